"""Troubleshooting: "it fails with X in tool Y" answered from what the docs explain, deterministically.

Reads the analysed message (helpdesk.message): error codes and messages, the tool, the endpoint in a pasted
config, the plan and model. Each line of a diagnosis rests on facts in corpus/facts.toml (every one a verbatim
quote of its page, checked by tests/test_facts.py):

- an error code the error-code page lists: what it means, and the page's solution for an HTTP status;
- 1113 / "insufficient balance" with a plan: the FAQ's usage conditions (supported tool, plan endpoint, plan
  models), and the general endpoint named when the message shows it;
- the general endpoint in a plan subscriber's config, or the wrong kind of plan endpoint for the tool;
- the plan expired (1309), the 5-hour/weekly quota used up (1308), rate limits (1302/1303/1305/429),
  a model the plan does not serve (1211, GLM-5 on Lite), authentication (401, 1000-1004);
- the tool's own setup (provider, base URL, settings file) when the subscriber names a tool and asks how to
  set it up or reports it failing.

A message that reports a failure the docs do not explain gets the parts they do explain and a way to a person;
an error code the page does not list is said to be unlisted, never guessed at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from functools import lru_cache
from pathlib import Path

import frontmatter

from helpdesk.message import (ANTHROPIC_TOOLS, CODING_HELPER, MCP_SERVERS, MCP_SHORT, NON_CODING_APPS, PLACES_AND_PLATFORMS,
                              PLAN_TOOLS, TOOL_NAMES, TOOLS, Message, is_chinese, without_foreign_quota)
from helpdesk.rules.facts import Facts
from helpdesk.rules.pricing import TERMS_MEASURES
from helpdesk.rules.quota import usage_ways
from helpdesk.rules.tools import sets_key_directly
from helpdesk.rules.respond import number

# A question about setting a tool up: how/where/which + a setup word, not a setup word somewhere in a story.
SETUP_ASK = re.compile(
    r"\b(how|where|which|what)\b[^.?!\n]{0,60}\b(set ?up|setup|configur\w*|config|connect\w*|hook\w*|integrat\w*|"
    r"base ?url|api ?url|[a-z_]*api_base|[a-z_]*base_url|baseurl|endpoint|provider|entrypoint|env(ironment)? var\w*|point \w+ at|plug\w* in|"
    r"use (it|the plan|the coding plan|z\.?ai|glm|my plan)|make \w+ work|get \w+ (to )?work\w*|supposed to use|"
    r"put|set (it|this|that|them|everything) up)\b|\b(any|a|an|is there an?|where('?s| is) the|need an?|looking for an?|share an?|"
    r"have an?|(give|send|show|share|write)( me| us)?( an?| the| some)?)( \w+)? (tutorial|guide|setup instructions)\b|"
    r"\bhow\b[^.?!\n]{0,30}\b(switch|change|select|pick|choose) (it|this|that|the model|its model|my model)\b[^.?!\n]{0,30}"
    r"\b(model|glm[\w.-]*)\b|\bcan (i|we) use (it|the plan|the coding plan|glm|z\.?ai|my plan|"
    r"this|my subscription)\b.{0,20}\b(in|with|on)\b|(?<!不)(怎么|如何|怎样|哪里|在哪)[^。？?,，]{0,12}(配置|接入|设置|使用|(?<![链连直衔迎承])接(?![着收到触])|选择|选|弄|搞|填)|选(哪个|什么)|(?<!不)怎么用[?？吗呢]|"
    r"(地址|端点|base ?url)[^。？?]{0,6}(是|填)|选(?![^。？?]{0,20}(lite|pro|max|套餐|glm|模型))[^。？?]{1,20}还是|(怎么|如何)配|"
    r"(怎么|如何)(加|写|接入?)\s*(mcp|provider|服务商|模型|key|密钥|api|base ?url|地址|配置|环境变量)|"
    r"(使う|使い|設定|接続|導入)(方法|手順)|使い方|設定方法|どうやって|どう(すれば|したら)|"  # Japanese
    r"\b(set ?up|setup|config|configuration|integration)\s*\?|\b(which|what) model (id|name|string)\b|"
    r"\bdo (i|we) (use|need|put|set)\b[^.?!\n]{0,40}\b(url|endpoint|base ?url|provider|coding/paas|anthropic)\b|"
    r"\b(any ?one|has anyone|does anyone|anybody)\b[^?!\n]{0,20}\b(got|have|has|share)\b[^?!\n]{0,40}\b(config\w*|setup)\b|"
    r"\b(which|what'?s?|whats)\b( is)?( the)?( right| correct| exact| proper)? model (id|name|string)\b|"
    # "is OpenAI Compatible even the right choice for goose? what does z.ai recommend?"
    r"\b(right|correct|recommended|proper) (provider( type)?|type|setting|option)\b|\b(compatible|provider|type|protocol)\b"
    r"[^.?!]{0,25}\bright choice\b|\brecommended (setup|config\w*|provider)\b", re.I)
# A value asked of a setting: "要不要加，加多少？", "what value should it be?", "这个值最大能设多少", "recommended?"
TIMEOUT_VALUE_ASK = re.compile(r"\b(what|which) (value|number)\b|\bhow (long|high|big)\b|\bshould (i|we) (add|set|use|"
                               r"include|put)\b|\b(set|put) it to\b|\b(max|maximum|recommended|default)\b|(设|设置|填|加|调)(成|为|到)?"
                               r"多少|要不要|需不需要|是否需要|最大|推荐|默认", re.I)
# The balance charged, told in the story ("the dashboard shows money leaving my balance", "credits draining from it");
# asked ("is money leaving my balance if my quota runs out?") it is the FAQ's question, not a charge
BALANCE_TOLD = re.compile(r"\b(money|funds|credits?|dollars|\$\s?\d[\d.,]*) (is |are )?(leaving|drain(ing|ed) from|"
                          r"disappearing from) (my |the )?(account |cash )?balance\b|\bbalance (is )?(draining|being drained)\b",
                          re.I)


# A 5xx status the error page does not list, written as one ("API Error: 529", "status 502", "502 Bad Gateway"), not
# any number from 500 to 599 in a message that says "error" ("max_tokens 512", "line 523", "550 prompts").
SERVER_STATUS = re.compile(r"(?:api error:?|status(?: code)?:?|http/?[\d.]*|error(?: code)?:|\")\s*(5\d\d)(?![\d.])|"
                           r"(?<![\d.])(5\d\d)\s+(?:bad gateway|gateway|service unavailable|overloaded)", re.I)
# The option a tool's page names is not offered: "doesn't show 'Z.AI Coding Plan', only 'Z.AI'", "找不到 coding plan 选项"
OPTION_MISSING = re.compile(
    r"\b(doesn'?t|does not|don'?t|won'?t|can'?t|cannot) (show|list|appear|display|see|find|have)\b.{0,50}\b(provider|option|"
    r"entrypoint|coding plan)|\b(provider|option|entrypoint|coding plan)s?\b.{0,30}\b(missing|not (showing|shown|listed|there))\b|"
    r"\bonly (shows?|lists?|see|has)\b\s*[\"“'`]|(找不到|没有|看不到).{0,10}(coding ?plan|选项|提供商|服务商|国际版)|"
    r"(entrypoint|provider|服务商|提供商)[^，。,]{0,12}(下拉|列表|选项)(框|菜单)?里?(只有|只能选|就一个)|"
    r"\b(has|have|there'?s|there is) no\b.{0,30}\b(option|entrypoint|coding plan|provider)|"
    # a title: "[Roo Code] no coding plan entrypoint"
    r"^\W*(\[[^\]]*\]\s*)?no (coding plan )?(option|entrypoint|provider)\b", re.I | re.M)
# "Is Zed supported?", "does it work with aider?", "Zed 能用吗": whether a tool can be used at all.
SUPPORT_ASK = re.compile(r"\b(support(ed|s)?|works? (with|in|on)|compatible|can (i|we|you) (use|run)|usable|available)\b"
                         r"|支持|能用|可以用|兼容", re.I)
MCP_PAGES = frozenset(doc for _, doc in MCP_SERVERS.values())  # a request naming one is about that server
GENERAL_KINDS = ("general", "bigmodel-general")
# Codes that a working configuration returns (the quota, rate limits, content): no protocol advice
NOT_CONFIG = frozenset({"1301", "1302", "1303", "1304", "1305", "1308"})
RATE_CODES = ("1302", "1303", "1305")
AUTH_CODES = ("1000", "1001", "1002", "1003", "1004")
PLAN_MODELS_RE = re.compile(r"glm-?4\.7|glm-?4\.6|glm-?4\.5(-air)?|glm-?5", re.I)


@dataclass
class Diagnosis:
    facts: Facts
    lines: list[str] = field(default_factory=list)
    fact_ids: list[str] = field(default_factory=list)
    handoff: bool = False
    unlisted: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    zh: bool = False  # the message is Chinese: every line is said in Chinese

    def fact(self, fact_id: str):
        if fact_id not in self.fact_ids:
            self.fact_ids.append(fact_id)
        return self.facts.value(fact_id)

    def say(self, kind: str, en: str, zh: str) -> None:
        """A line in the message's language: every line has both, so no Chinese answer gets an English line."""
        self.kinds.append(kind)
        self.lines.append(zh if self.zh else en)

    def lead(self, kind: str, en: str, zh: str) -> None:
        """A line said before the others (what the docs don't cover, then what they do say)."""
        self.kinds.insert(0, kind)
        self.lines.insert(0, zh if self.zh else en)


# A setting and its value as configs write them: "provider": "openai", Z_AI_MODE: "Z_AI", base_url = '...'
_PAIR = re.compile(r"[\"']?([A-Za-z_$][\w.$-]{1,40})[\"']?\s*[:=]\s*(?:[\"']([^\"'\n]{1,80})[\"']|(\d+|true|false)\b)")
_FENCED = re.compile(r"```[^\n]*\n(.*?)```", re.S)
# Settings whose value is the subscriber's own (a key, a name, a model they chose) or another check's (URLs: the endpoint
# diagnosis): no page's value is theirs to copy
_OWN_VALUE = re.compile(r"key|token|authorization|secret|password|name|title|description|schema|model|url|endpoint|host|"
                        r"path|id$", re.I)
_PLACEHOLDER = re.compile(r"your|<|xxx|\.\.\.|example|replace", re.I)


def _pairs(text: str) -> dict[str, str]:
    return {m.group(1): (m.group(2) or m.group(3)).strip() for m in _PAIR.finditer(text)}


@lru_cache(maxsize=64)
def _page_blocks(path: str) -> tuple[tuple[tuple[str, str], ...], ...]:
    """The settings of each code block on a page, as the page writes them."""
    try:
        text = frontmatter.load(path).content
    except OSError:
        return ()
    return tuple(tuple(_pairs(block).items()) for block in _FENCED.findall(text))


# The tools whose pages name their own model picker (facts tool.<tool>.model_picker, quoted from the page)
MODEL_PICKERS = ("crush", "opencode", "factory-droid", "goose")
# The model did not change after the setup, or how to change it is asked
MODEL_NOT_SWITCHED = re.compile(
    r"\b(still|keeps?) (shows?|showing|uses?|using|on|answers? with|lists?|says|running|runs|go|goes|going)\b[^.?!\n]{0,40}"
    r"\b(model|provider)\b|"
    r"\b(doesn'?t|does not|won'?t|can'?t|cannot|didn'?t) (switch|change)\b[^.?!\n]{0,30}\b(model|glm)|"
    r"\bhow (do|can|should) (i|we|you) (actually |even |now |then )?(switch|change|pick|select|choose)\b[^.?!\n]{0,30}\b(model|glm)|"
    r"(?<![替转])(切|换)(不了|不到)?(到)?.{0,6}模型|切模型|(?<![替转])换模型|模型.{0,6}(没变|没换|还是(旧|原来|之前))|"
    # "选完之后模型在哪切", "where do I pick the model after that?"
    r"模型(在哪|从哪|去哪)(里)?(切|换|选)|\bwhere (do|can) (i|we) (switch|change|pick|select|choose) (the )?models?\b|"
    # "every chat still answers from gpt-4.1", "how do I make goose actually use the GLM one?", "回答还是之前的 gpt-4o，在哪切"
    r"\b(still|keeps?) (answers?|answering|replies|replying|responds?|responding)\b.{0,20}\b(from|with|as|using)\b.{0,12}"
    r"\b(gpt|openai|claude|sonnet|opus|o\d|previous|old|other|the old)\b|"
    r"\bhow (do|can) (i|we) (make|get) \w+ (to )?(actually )?use (the )?(glm|new|z\.?ai)|"
    r"(回答|回复)(的)?(还是|仍然|依然).{0,12}(gpt|openai|claude|之前|原来|旧)|(provider|模型|服务商).{0,8}(手动)?切(过去|换过去)|"
    r"(provider|模型|服务商).{0,8}在哪(里)?切|在哪(里)?切.{0,6}(provider|模型|服务商)",
    re.I)
# A change made that the tool does not pick up: "didn't take effect", "still goes to the old relay", "怎么才能生效"
NOT_APPLIED = re.compile(r"\b(not|n't|never) (take|taking|took|taken) effect\b|\bno effect\b|\bstill (uses?|using|goes|going|"
                         r"hits?|talks?|talking|points?|pointing|sends?|sending|calls?|calling) (to )?(the )?(old|previous|"
                         r"anthropic|official)\b|(没|没有|未|不)生效|才能生效|怎么生效|还是(打到|走|用|连|请求|发到)(的)?(旧|原来|之前|官方)",
                         re.I)


def config_mismatches(msg: Message, docs: list[str], corpus_dir: Path | None) -> list[tuple[str, str, str, str]]:
    """Settings the pasted config gives a value the named page's matching block gives another: (doc, key, theirs,
    the page's). The block compared is the page's one sharing most settings with the paste ("provider" is "anthropic"
    in the Anthropic example and "generic-chat-completion-api" in the OpenAI-compatible one)."""
    found: list[tuple[str, str, str, str]] = []
    for doc, theirs, best in _closest_blocks(msg, docs, corpus_dir):
        for key, value in best.items():
            if key in theirs and theirs[key] != value and not _OWN_VALUE.search(key) and not _PLACEHOLDER.search(value) \
                    and not _PLACEHOLDER.search(theirs[key]) and theirs[key].lower() not in (f"{value}.cmd".lower(),
                                                                                           f"{value}.exe".lower()):
                found.append((doc, key, theirs[key], value))
    return found[:3]


def _closest_blocks(msg: Message, docs: list[str], corpus_dir: Path | None) -> list[tuple[str, dict, dict]]:
    """(doc, the pasted settings, the page's block sharing most settings with them) for each named page that has one."""
    theirs = _pairs(msg.pasted or "") or _pairs("\n".join(_FENCED.findall(msg.raw)))
    if not theirs or corpus_dir is None:
        return []
    named = {m.group(1).lower() if not _NOT_THIS.search(msg.ask[max(0, m.start() - 24):m.start()]) else
             {"openai": "anthropic", "anthropic": "openai"}[m.group(1).lower()] for m in _PROTOCOL_WORDS.finditer(msg.ask)}
    wanted = named.pop() if len(named) == 1 else next((p for p in map(_protocol, theirs.values()) if p), None)
    found = []
    for doc in docs:
        path = Path(corpus_dir) / f"{doc}.md"
        if not path.is_file():
            continue
        blocks = [dict(b) for b in _page_blocks(str(path)) if b]
        scored = [(sum(theirs.get(k) == v for k, v in b.items()), len(set(b) & set(theirs)), b) for b in blocks]
        scored = [s for s in scored if s[1] >= 2]  # a block that configures the same thing
        if scored:
            # as many equal values in two blocks (Droid's Anthropic and OpenAI examples): the one of the protocol the
            # message names ("想走 OpenAI 协议"); naming both ("not the OpenAI protocol, I want Anthropic") or neither,
            # the one of the URL it pastes
            found.append((doc, theirs, max(scored, key=lambda s: (
                s[0], wanted is not None and wanted in map(_protocol, s[2].values()), s[1]))[2]))
    return found


# A protocol refused: "Not the OpenAI-compatible protocol", "switched away from", "不要 OpenAI 兼容协议" (the other one wanted)
_NOT_THIS = re.compile(r"(\b(not|no|away from|instead of|rather than|other than)|n't)((\s+|-)(the|an?|use|using|want|wanna|need|"
                       r"to|go|with))*\s*$|(不要|不想用?|不用|别用?|而不是|不走)\s*$", re.I)
# A protocol named in words: "OpenAI 协议", "the openai-compatible one", "Anthropic protocol"
_PROTOCOL_WORDS = re.compile(r"\b(openai|anthropic)\b[\s-]*(compatible|protocol|style|format|兼容|协议)", re.I)


def _protocol(text: str) -> str | None:
    """The protocol of a pasted URL: its path says it."""
    if re.match(r"https?://", text.strip()):
        return "anthropic" if "/anthropic" in text else "openai" if re.search(r"/(paas|v\d)(/|$)", text) else None
    return None


def _listed_with(tools: list[str], named: tuple[str, ...], shown: int = 6) -> list[str]:
    """The first `shown` of the documented tools, and the subscriber's own when the list has it further on ("Is Cherry
    Studio even supported?": it is, twelfth on the FAQ's list)."""
    own = [t for t in tools[shown:] if _spelled(t) in {_spelled(_tool_name(n)) for n in named}]
    return [*tools[:shown], *own]


def _spelled(key: str) -> str:
    return re.sub(r"[^a-z0-9]", "", key.lower())


def config_renamed(msg: Message, docs: list[str], corpus_dir: Path | None) -> list[tuple[str, str, str]]:
    """Settings the paste names in another spelling than the page's block, which the tool or server then never reads
    ("ZAI_API_KEY" for the page's "Z_AI_API_KEY", "baseUrl" for "baseURL"): (doc, theirs, the page's)."""
    found = []
    for doc, theirs, best in _closest_blocks(msg, docs, corpus_dir):
        for key in best:
            if key in theirs:
                continue
            twin = next((k for k in theirs if k not in best and _spelled(k) == _spelled(key)), None)
            if twin:
                found.append((doc, twin, key))
    return found[:3]


KEY_PROMPT = re.compile(r"do you want to use this (api )?key", re.I)
LOGIN = re.compile(r"log ?in|sign ?in|log ?out|sign ?out|登录|登陆", re.I)  # Claude Code asking to log in


def _cite_page(d: Diagnosis, doc: str) -> bool:
    """Cite one of the page's facts for a line compared with that page; False when no fact comes from it."""
    cite = next((f for f in d.facts.by_id.values() if f.doc == doc), None)
    if cite is not None:
        d.fact(cite.id)
    return cite is not None


def config_lines(d: Diagnosis, msg: Message, docs: list[str], corpus_dir: Path | None) -> None:
    """Lead with each pasted setting whose value the page gives otherwise, cited by one of that page's facts."""
    for doc, theirs, key in reversed(config_renamed(msg, docs, corpus_dir)):
        if not _cite_page(d, doc):
            continue
        d.lead("config", f"Your config names \"{theirs}\"; the page's configuration names it \"{key}\" (a name spelled "
                         "otherwise is never read).",
               f"你的配置里写的是 \"{theirs}\"；文档页面的配置写的是 \"{key}\"（拼写不同的名字不会被读取）。")
    for doc, key, theirs, value in reversed(config_mismatches(msg, docs, corpus_dir)):
        if not _cite_page(d, doc):
            continue
        d.lead("config", f"Your config sets \"{key}\": \"{theirs}\"; the page's configuration sets \"{key}\": \"{value}\".",
               f"你的配置里 \"{key}\" 是 \"{theirs}\"；文档页面的配置是 \"{key}\": \"{value}\"。")


def _tool_name(tool: str) -> str:
    return TOOL_NAMES.get(tool) or {"vscode": "VS Code", "vs code": "VS Code", "litellm": "LiteLLM", "n8n": "n8n",
                                    "openwebui": "Open WebUI", "open webui": "Open WebUI"}.get(tool, tool.title())


# The plan compared with the pay-as-you-go API: "difference ... paid api", "same as the normal API?", "just the url?".
_API_KIND = (r"((paid|regular|normal|general|standard|pay[- ]as[- ]you[- ]go|payg|usual|plain|open ?platform) (api|endpoint)|"
             r"(buying |paying for |prepaid )?api (credits?|billing|usage|access)|pay[- ]per[- ]token( api)?)")
PLAN_VS_API = re.compile(
    rf"\b(difference|differ|different from|same as|vs\.?|versus|compared? (to|with))\b[^?]{{0,80}}\b({_API_KIND}|just the (base )?url|only "
    rf"the (base )?url)\b|\b{_API_KIND}\b[^?]{{0,80}}\b(difference|differ|same as|vs\.?|versus)\b|"
    r"(套餐|coding ?plan|编码套餐).{0,20}(和|与|跟|对比).{0,12}(api|API|按量|通用).{0,12}(区别|不同|一样|差别)", re.I)


def _plan_endpoint(d: Diagnosis, tool: str | None) -> str:
    return d.fact("endpoint.anthropic") if tool in ANTHROPIC_TOOLS else d.fact("endpoint.coding")


# Each tool's own page reduced to the values a subscriber types in; {fact.id} is replaced by the fact's value
# (and the fact cited). A tool with no page of its own gets the "other tools" line.
TOOL_SETUP = {
    "claude-code": "{name}: set ANTHROPIC_BASE_URL={tool.claude-code.base_url} and ANTHROPIC_AUTH_TOKEN=<your Z.ai API "
                   "key> in the env block of {tool.claude-code.file} (or run `{tool.claude-code.helper}`, which writes "
                   "them for you).",
    "opencode": "OpenCode: run `{tool.opencode.login}` and pick the provider \"{tool.opencode.provider}\" (the plain "
                "Z.AI provider is the pay-as-you-go API).",
    "cline": "Cline: API Provider \"{tool.cline.provider}\", Base URL {tool.cline.base_url}, your Z.ai API key, and under "
             "Model \"Use custom\" with the model name (e.g. {tool.cline.model}).",
    "roo-code": "Roo Code: API Provider \"{tool.roo-code.provider}\", Z AI Entrypoint \"{tool.roo-code.entrypoint}\".",
    "kilo-code": "Kilo Code: API Provider \"{tool.kilo-code.provider}\", Z AI Entrypoint \"{tool.kilo-code.entrypoint}\", "
                 "after choosing \"{tool.kilo-code.auth}\" for API key authentication.",
    "goose": "Goose: a new provider of type \"{tool.goose.provider}\" with Base URL {tool.goose.base_url}.",
    "cursor": "Cursor: in \"Override OpenAI Base URL\" put {tool.cursor.base_url}, and type the model name in uppercase, "
              "such as {tool.cursor.uppercase}; custom configuration is only supported in {tool.cursor.pro} and higher, "
              "not on Cursor's free tier.",
    "crush": "Crush: in {tool.crush.file} (on Windows {tool.crush.file_windows}), a provider whose base_url is "
             "{tool.crush.base_url} and api_key is your Z.ai API key.",
    "factory-droid": "Factory Droid: in {tool.factory-droid.file} (on Windows {tool.factory-droid.file_windows}), a custom "
                     "model with baseUrl {tool.factory-droid.base_url} and provider \"{tool.factory-droid.provider}\", or "
                     "{endpoint.coding} (OpenAI-compatible) and provider \"{tool.factory-droid.openai_provider}\".",
    "trae": "TRAE: choose the provider \"{tool.trae.provider}\" and the model \"{tool.trae.model}\" (the plain \"Z.ai\" "
            "provider bills your balance at API prices).",
    "eigent": "Eigent: Settings → Models → Custom Model, the \"{tool.eigent.card}\" card: your Z.ai API key and API Host "
              "{tool.eigent.host}, then \"Set as Default\".",
    "other": "{name}: it speaks the OpenAI protocol, so set its base URL to {tool.others.base_url} (not the general "
             "API) and use your Z.ai API key.",
}
TOOL_SETUP["claude-code-ide"] = ("The Claude Code IDE plugin {tool.claude-code-ide.cli}: set up Claude Code first "
                                  "(ANTHROPIC_BASE_URL={tool.claude-code.base_url} and ANTHROPIC_AUTH_TOKEN=<your Z.ai API key> "
                                  "in {tool.claude-code.file}), then install the plugin from your IDE's marketplace.")
# The same lines for a Chinese message: the same placeholders (tests/test_troubleshoot.py checks), the values and the
# names of settings as the tools show them.
TOOL_SETUP_ZH = {
    "claude-code": "{name}：在 {tool.claude-code.file} 的 env 中设置 ANTHROPIC_BASE_URL={tool.claude-code.base_url} 和 "
                   "ANTHROPIC_AUTH_TOKEN=<你的 Z.ai API Key>（或运行 `{tool.claude-code.helper}`，它会替你写好）。",
    "opencode": "OpenCode：运行 `{tool.opencode.login}`，选择服务商“{tool.opencode.provider}”（普通的 Z.AI 服务商走的是按量"
                "付费 API）。",
    "cline": "Cline：API Provider 选“{tool.cline.provider}”，Base URL 填 {tool.cline.base_url}，填入你的 Z.ai API Key，Model 选"
             "“Use custom”并填写模型名（如 {tool.cline.model}）。",
    "roo-code": "Roo Code：API Provider 选“{tool.roo-code.provider}”，Z AI Entrypoint 选“{tool.roo-code.entrypoint}”。",
    "kilo-code": "Kilo Code：API Provider 选“{tool.kilo-code.provider}”，Z AI Entrypoint 选“{tool.kilo-code.entrypoint}”"
                 "（在 API Key 认证方式中先选择“{tool.kilo-code.auth}”）。",
    "goose": "Goose：新建一个类型为“{tool.goose.provider}”的服务商，Base URL 填 {tool.goose.base_url}。",
    "cursor": "Cursor：在“Override OpenAI Base URL”中填 {tool.cursor.base_url}，模型名要用大写，例如 {tool.cursor.uppercase}；"
              "自定义配置仅 {tool.cursor.pro} 及以上版本支持，Cursor 免费版不支持。",
    "crush": "Crush：在 {tool.crush.file}（Windows 上是 {tool.crush.file_windows}）中添加一个服务商，base_url 为 "
             "{tool.crush.base_url}，api_key 为你的 Z.ai API Key。",
    "factory-droid": "Factory Droid：在 {tool.factory-droid.file}（Windows 上是 {tool.factory-droid.file_windows}）中添加自定义"
                     "模型，baseUrl 填 {tool.factory-droid.base_url}（provider 填“{tool.factory-droid.provider}”）或 "
                     "{endpoint.coding}（OpenAI 兼容，provider 填“{tool.factory-droid.openai_provider}”）。",
    "trae": "TRAE：选择服务商“{tool.trae.provider}”，模型选“{tool.trae.model}”（普通的“Z.ai”服务商按 API 价格从你的余额扣费）。",
    "eigent": "Eigent：Settings → Models → Custom Model 中的“{tool.eigent.card}”卡片：填入你的 Z.ai API Key，API Host 填 "
              "{tool.eigent.host}，然后点“Set as Default”。",
    "other": "{name}：它使用 OpenAI 协议，把 Base URL 设为 {tool.others.base_url}（不是通用 API 地址），并使用你的 Z.ai API Key。",
}
TOOL_SETUP_ZH["claude-code-ide"] = ("Claude Code IDE 插件依赖 Claude Code CLI（{tool.claude-code-ide.cli}）：先配置好 Claude Code"
                                     "（在 {tool.claude-code.file} 中设置 ANTHROPIC_BASE_URL={tool.claude-code.base_url} 和 "
                                     "ANTHROPIC_AUTH_TOKEN=<你的 Z.ai API Key>），再从 IDE 的插件市场安装插件。")


def _filled(d: Diagnosis, template: str, name: str = "") -> str:
    """The template with each {fact.id} replaced by the fact's value (and the fact cited), {name} by the tool's."""
    return re.sub(r"\{([\w.-]+)\}", lambda m: name if m.group(1) == "name" else str(d.fact(m.group(1))), template)


# No plan at all: "pay-as-you-go API work, no plan", "没买套餐"
NO_PLAN = re.compile(r"\bno (coding )?plan\b|\bnot (on|subscribed to) (the|a|any) (coding )?plan\b|\bwithout (a|the) (coding )?plan\b|"
                     r"没(有)?(买|订|开)?(通)?套餐", re.I)
# Tools whose page names a provider for the plan beside a general one of nearly the same name ("Z.ai-plan" / "Z.ai")
PLAN_PROVIDER_TOOLS = ("opencode", "trae")


def tool_setup(d: Diagnosis, tool: str) -> None:
    name = _tool_name(tool)
    d.say("setup", _filled(d, TOOL_SETUP.get(tool, TOOL_SETUP["other"]), name),
          _filled(d, TOOL_SETUP_ZH.get(tool, TOOL_SETUP_ZH["other"]), name))


MCP_ASK = re.compile(r"\b(set ?up|set (it|them|this|that) up|setting (it |them )?up|setup|configur\w*|config|connect\w*|install\w*|add|adding|enable|endpoint|url|"
                     r"command|node(\.js)?|start|run)\b|\bhow (do|can|should|to) (i |we )?use\b|\b(can|could) (i|we) use\b|"
                     r"配置|安装|添加|地址|命令|启动|接入|"
                     r"怎么用|如何使用|怎么填|怎么设置|怎么配|怎么加|怎么写|怎么接入?|(?<!邮箱)(?<!页面)地址是多少", re.I)
# What a server can do (its formats, its tools, whether it reads a kind of page or repo) is its page's text, not its setup
MCP_CAPABILITY_ASK = re.compile(
    r"\b(which|what) (file |video |image )?(formats?|file types?|types? of files|tools?)\b|\bformats?\b.{0,20}\bsupport|"
    r"\bsupport\w*\b.{0,20}\bformats?\b|\bis there (a|an|any) (\w+ )?tool\b|"
    r"\b(can|could|does|will) (it|(the )?(zread|web ?reader|vision)( mcp)?|the (mcp|server|tool)) (read|open|access|handle|see|"
    r"analy[sz]e|compare|support)\b|(支持|能用|可以用)(哪些|什么)(格式|文件|类型)|哪些格式|什么格式|有没有.{0,8}(工具|tool)|"
    r"(能|可以)(读|看|访问|读取|分析)[^。？?]{0,12}(吗|么)|\b(size|length|duration) limits?\b|\bhow (big|large|long)\b|\bmax(imum)? "
    r"(file |video |image )?size\b|(大小|尺寸|时长)(限制|上限)|多大", re.I)
# a setup still to do: "I need to set up the vision MCP in Cline", "Want to add it to Claude Code", "想在 Cline 里配"
SETUP_WISH = re.compile(r"\b(need|needs|want|wants|trying|going|plan|planning|like|how) to (set ?up|install|add|configure|"
                        r"connect)\b|(想|要|准备|打算)(在.{0,12})?(装|安装|配置|配|添加|加|接入)", re.I)
SETUP_VERB = re.compile(r"\b(set ?up|set (it|them) up|install\w*|add|adding|configur\w*)\b|配置|安装|添加", re.I)
QUANTITY_ASK = re.compile(r"\bhow many\b|\bquota\b|\bper month\b|\bmonthly\b|\blimit\b|次数|额度|(?<!地址是)(?<!地址)多少", re.I)
# Each server as its page sets it up, and the Claude Code command the page gives (said unless another client is named).
MCP_SETUP = {
    "web-search": ("Web Search MCP: a remote HTTP server, {mcp.web-search.add}, with the header \"Authorization: Bearer "
                   "<your Z.ai API key>\"", "`claude mcp add -s user -t http web-search-prime {mcp.web-search.add} "
                   "--header \"Authorization: Bearer your_api_key\"`"),
    "web-reader": ("Web Reader MCP: a remote HTTP server, {mcp.web-reader.add}, with the header \"Authorization: Bearer "
                   "<your Z.ai API key>\"", "`claude mcp add -s user -t http web-reader {mcp.web-reader.add} --header "
                   "\"Authorization: Bearer your_api_key\"`"),
    "zread": ("Zread MCP: a remote HTTP server, {mcp.zread.add}, with the header \"Authorization: Bearer <your Z.ai API "
              "key>\"", "`claude mcp add -s user -t http zread {mcp.zread.add} --header \"Authorization: Bearer "
              "your_api_key\"`"),
    "vision": ("Vision MCP: a local server, `npx -y @z_ai/mcp-server` (package {mcp.vision_server}) with Z_AI_API_KEY set "
               "to your Z.ai API key and Z_AI_MODE=ZAI; it needs Node.js {mcp.vision.node} or newer",
               "`claude mcp add -s user zai-mcp-server --env Z_AI_API_KEY=your_api_key Z_AI_MODE=ZAI -- npx -y "
               "\"@z_ai/mcp-server\"`"),
}
MCP_SETUP_ZH = {  # the same, for a Chinese message; the commands as the pages give them
    "web-search": "Web Search MCP：远程 HTTP 服务，地址 {mcp.web-search.add}，请求头 `Authorization: Bearer <你的 Z.ai API Key>`",
    "web-reader": "Web Reader MCP：远程 HTTP 服务，地址 {mcp.web-reader.add}，请求头 `Authorization: Bearer <你的 Z.ai API Key>`",
    "zread": "Zread MCP：远程 HTTP 服务，地址 {mcp.zread.add}，请求头 `Authorization: Bearer <你的 Z.ai API Key>`",
    "vision": "Vision MCP：本地服务，`npx -y @z_ai/mcp-server`（包 {mcp.vision_server}），Z_AI_API_KEY 设为你的 Z.ai API Key，"
              "Z_AI_MODE=ZAI；需要 Node.js {mcp.vision.node} 或更高版本",
}


def mcp_line(d: Diagnosis, server: str, command: bool) -> None:
    """The server as its page sets it up, with the Claude Code command when no other client is named."""
    base, claude = MCP_SETUP[server]
    zh = MCP_SETUP_ZH[server]
    d.say("mcp", _filled(d, f"{base}; in Claude Code: {claude}." if command else f"{base}."),
          _filled(d, f"{zh}；在 Claude Code 中：{claude}。" if command else f"{zh}。"))


# A remote server's tool reported missing: "Tool 'zai.search.webSearchPrime' not found", "webReader 工具找不到"
SERVER_TOOL = {"web-search": "mcp.web-search.tool", "web-reader": "mcp.web-reader.tool"}
TOOL_MISSING = re.compile(r"(?<![/\w-])(web_?search_?prime|web_?reader)(?![/\w-])\W{0,3}.{0,60}(not found|missing|not available|unavailable|"
                          r"doesn'?t exist|does not exist|unknown tool|找不到|不存在|没有这个)|(missing|unknown|no such) tool\W{0,3}"
                          r"[\w.'\"`]{0,40}(web_?search_?prime|web_?reader)", re.I)


def server_tool_line(d: Diagnosis, server: str) -> None:
    """The tool the server's page names, in the page's words."""
    name = d.fact(SERVER_TOOL[server])
    said = d.facts.words(SERVER_TOOL[server], r".+").split(" - ", 1)[-1].split(" — ", 1)[-1]
    title = SERVER_NAMES[server]
    d.say("mcp", f"The {title} MCP page names the server's tool `{name}`: \"{said}\"",
          f"{title} MCP 页面列出的服务工具是 `{name}`（原文）：“{said}”")


# a question that leans on the one before for all but its subject: "那 reader 的呢？", "what about the reader one?"
FOLLOW_UP = re.compile(r"呢\s*[?？]?\s*$|\b(what|how) about\b|\bsame (for|with)\b|^\s*(and|also) (the|for)\b", re.I)
REMOTE_MCP = ("web-search", "web-reader", "zread")
SERVER_NAMES = {"web-search": "Web Search", "web-reader": "Web Reader", "zread": "Zread", "vision": "Vision"}
SERVER_FACT = {"web-search": "mcp.web-search.add", "web-reader": "mcp.web-reader.add", "zread": "mcp.zread.add",
               "vision": "mcp.vision_server"}
# Each MCP page has a section per client ("#### Goose", "#### Roo Code, Kilo Code, Others") and a troubleshooting
# section per symptom ("#### Empty Search Results"): the tool's or the symptom's section is the docs' own answer.
CLIENT_HEADING = {"claude-code": r"^Claude Code$", "cline": r"^Cline\b", "opencode": r"^OpenCode$", "crush": r"^Crush$",
                  "goose": r"^Goose$"}
OTHER_CLIENTS = r"\bOthers?\b|Other MCP Clients"
SYMPTOMS = (
    (r"invalid (api[\s_-]?key|access[\s_-]?token)|\b401\b|unauthori[sz]ed|api key (is )?(wrong|invalid|rejected)",
     r"^Invalid (API Key|access token)$"),
    (r"\btimed out\b|\btimes out\b|connection timeout|timeout error|超时", r"^Connection timeout$"),
    (r"empty (search )?results?|returns? (empty|nothing|no results|\[\])|\"\[\]\"|没有(结果|返回)|空结果|结果.{0,6}空",
     r"^Empty Search Results$"),
    (r"connection closed", r"^Connection Closed$"),
    (r"fetch\w* fail\w*|fail\w* to fetch|读取失败|抓取.{0,8}(失败|空)|\b(returns?|returning|gets?|got|gives?) (an? )?(empty|blank) "
     r"(page|content|text|response)|\bempty (page|content)\b|(返回|读到|拿到|抓到).{0,4}空|空(白)?内容|"
     r"\b(returns?|returning|comes? back|came back) (with )?(empty|nothing|blank)\b", r"^Webpage fetch failed$"),
    (r"repo(sitory)? access|access (to )?(the )?repo|repo(sitory)? not found|仓库.{0,8}(失败|找不到|不存在)|"
     r"\b(read_file|get_repo_structure|search_doc)\b.{0,30}(fail|error)|\bprivate repo|私有仓库", r"^Repository access failed$"),
    # the Vision page's own first step when the server shows no error: run it by hand
    (r"\bhow (do i|can i|to|would i) (even )?(test|verify|check|debug)\b|\bno error (text|message|output)\b|"
     r"\bred (dot|light|status|icon)\b|(怎么|如何)(测试|验证|排查)|红(点|灯|色)", r"^Troubleshooting$"),
)


def symptoms_of(msg: Message) -> list[str]:
    """The headings of the MCP pages' troubleshooting sections for what the message reports ("returns empty" is a
    search's empty results on one page, a fetch that failed on another)."""
    return [heading for pattern, heading in SYMPTOMS if re.search(pattern, msg.raw, re.I)]


def symptom_of(msg: Message) -> str | None:
    return next(iter(symptoms_of(msg)), None)


@lru_cache(maxsize=32)
def page_sections(path: str) -> tuple[tuple[str, str], ...]:
    """A page's sections, (heading, text), in order; headings inside code blocks are code, not sections."""
    heading, lines, found, fenced = None, [], [], False
    for line in frontmatter.load(path).content.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        match = None if fenced else re.match(r"^#{2,4}\s+(.+?)\s*$", line)
        if match:
            if heading is not None:
                found.append((heading, "\n".join(lines).strip()))
            heading, lines = match.group(1), []
        elif heading is not None:
            lines.append(line)
    if heading is not None:
        found.append((heading, "\n".join(lines).strip()))
    return tuple(found)


def section(corpus_dir: Path | None, doc: str, heading: str) -> str | None:
    if corpus_dir is None or not (Path(corpus_dir) / f"{doc}.md").is_file():
        return None
    for title, text in page_sections(str(Path(corpus_dir) / f"{doc}.md")):
        if re.search(heading, title, re.I) and text:
            text = re.sub(r"\*\*(.+?)\*\*", r"\1", text)
            return re.sub(r"\[([^\]]+)\]\((\S+?)\)", r"\1 (\2)", text)
    return None


def mcp_setup(d: Diagnosis, msg: Message, corpus_dir: Path | None = None) -> Diagnosis | None:
    """The MCP servers the message names, as their pages set them up (endpoint, header, command, Node version);
    "only one works, the others fail" gets the remote servers too, which share one way of being added. A named
    client gets its own section of the server's page, and a symptom the page troubleshoots gets that section."""
    # the server whose config is pasted, then the one named first, is the failing one ("vision fails with Invalid API
    # Key; the same key works in web-search-prime")
    pasted = msg.pasted or ""
    servers = sorted(msg.mcp, key=lambda s: (not re.search(MCP_SERVERS[s][0], pasted, re.I),
                                             next((m.start() for m in re.finditer(MCP_SERVERS[s][0], msg.raw, re.I)),
                                                  len(msg.raw))))
    # "web search works fine as an SSE extension. Now the vision one...": a server said to work is not the one asked
    working = [s for s in servers if re.search(rf"(?:{MCP_SERVERS[s][0]})[^.?!\n;，。]{{0,40}}\b(works?|working|is fine|is ok)\b|"
                                               rf"(?:{MCP_SERVERS[s][0]})[^.?!\n;，。]{{0,20}}(正常|没问题|能用|可以用)", msg.raw, re.I)]
    if not msg.failing:  # ("联网搜索已经加好了，现在想再加个网页读取": one already set up, with nothing failing, is not asked)
        working += [s for s in servers if s not in working and re.search(
            rf"(?:{MCP_SERVERS[s][0]})[^.?!\n;，。]{{0,40}}\b(is |are )?already (added|installed|set up|configured|there)\b|"
            rf"\balready (added|installed|set up|configured|have) (the )?(?:{MCP_SERVERS[s][0]})|"
            rf"(?:{MCP_SERVERS[s][0]})[^.?!\n;，。]{{0,20}}(已经)?(加|装|配|添加|安装|配置)好了?", msg.raw, re.I)]
    servers = ([s for s in servers if s not in working] or servers)[:2]
    # a follow-up naming another server asks that one too: "web search MCP 配好了能用，那 reader 的呢？也是 http 类型吗",
    # "what about the reader one?"
    clauses = [c for q in msg.questions for c in re.split(r"[，,；;。]\s*|\.\s+", q)]  # (a follow-up is one clause)
    followed = [s for s in MCP_SERVERS if any(FOLLOW_UP.search(c) and (
        re.search(MCP_SERVERS[s][0], c, re.I) or re.search(MCP_SHORT.get(s, "$^"), c, re.I)) for c in clauses)]
    if len(followed) == 1 and servers and followed[0] not in servers:
        servers = [*servers[:1], *followed]
    tool = next((t for t in msg.tools + msg.other_tools if t != "claude-code"), None)
    if "vision" in servers[:1] and "Z_AI_API_KEY" in pasted and "Z_AI_MODE" not in pasted:
        d.fact("mcp.vision_server")  # the page's command sets both variables
        d.say("mcp", "Your Vision MCP config sets Z_AI_API_KEY but no Z_AI_MODE: the page sets Z_AI_MODE=ZAI beside "
                     "it.",
              "你的 Vision MCP 配置只设置了 Z_AI_API_KEY，没有 Z_AI_MODE：页面的配置里同时设置了 Z_AI_MODE=ZAI。")
    elif "vision" in servers[:1] and re.search(r"\bZ_AI_MODE\b", msg.ask) and not re.search(
            r"\bZ_AI_MODE[\"'`]?\s*([:=]|(is )?set to|设为|设成|是|填了?)\s*[\"'`]?\w", msg.raw, re.I) \
            and MODE_UNSET.search(msg.ask):
        d.fact("mcp.vision_server")  # "Z_AI_MODE 我没配，这个必须填吗": the value the page's configuration gives it
        d.say("mcp", "The Vision MCP page's configuration sets Z_AI_MODE=ZAI beside Z_AI_API_KEY.",
              "Vision MCP 页面的配置里，Z_AI_MODE 设为 ZAI（与 Z_AI_API_KEY 一起设置）。")
    if symptom_section(d, msg, servers[:1], corpus_dir):
        if tool in CLIENT_HEADING and CLIENT_SETUP_ASK.search(msg.ask):
            # "Goose times out, do I need another endpoint or type?": its own section too (an SSE endpoint)
            client_section(d, servers[0], tool, corpus_dir)
        d.handoff = msg.failing
        return d
    if msg.mcp_others:
        servers += [s for s in REMOTE_MCP if s not in servers]
    if "vision" in servers and not re.search(r"vision|视觉|zai-mcp-server|mcp-server|\b[a-z]+_[a-z_]+\b", msg.raw, re.I):
        d.fact("mcp.vision.model")  # asked about images, not about the server by name: say what serves them
        d.say("mcp", "For images, the plan's way is the Vision MCP server, which gives MCP clients such as Claude Code "
                     "and Cline GLM-4.6V's image analysis:",
              "处理图片，套餐提供的方式是 Vision MCP 服务，它让 Claude Code、Cline 等 MCP 客户端用上 GLM-4.6V 的图像分析能力：")
    for server in servers:
        mcp_line(d, server, command=not tool)
        if server in SERVER_TOOL and (m := TOOL_MISSING.search(msg.raw)) and \
                d.facts.value(SERVER_TOOL[server]).lower() in m.group(0).replace("_", "").lower():
            server_tool_line(d, server)
        if tool:
            client_section(d, server, tool, corpus_dir)
    d.handoff = msg.failing
    return d if d.lines else None


# whether the quota is what ran out: "是额度问题还是别的？", "is this a quota thing?", "I've only used 200 of 1600"
QUOTA_OR_NOT = re.compile(r"\b(quota|usage limit|prompts?)\b.{0,20}\b(issue|problem|thing|exhausted|used up|ran out|run out|"
                          r"reached)\b|\bis (it|this|that) (my |the )?(quota|usage)\b|\b(only|just) used\b.{0,30}\b(of|out of)\b|"
                          r"额度(问题|用完|用光|不够|耗尽)|是不是额度|才用了", re.I)
# a way to use it anyway: "有啥办法能体验一下", "花点钱也行", "any way to try it?", "even if I pay"
TRY_ANYWAY = re.compile(r"\b(any|another|other) way\b|\b(even if|if) i (have to )?pay\b|\bpay (extra|more|for it)\b|\btry (it|glm-?5)\b|"
                        r"(有|没有)?(啥|什么)?办法|花点钱|付费也行|体验一下|试用", re.I)
# which of a server's tools does a task: "哪个 tool 是专门看 ER 图的", "which tool reads dashboards?"
TOOL_FOR_TASK = re.compile(r"\b(which|what)( of)?( (its|the|their|zread|vision|web[ -]?reader|web[ -]?search|search|reader|"
                           r"mcp))?( mcp)? (tool|function)s?\b(?! (work|works|support|supports|can i use|do (i|you) (use|support)|are "
                           r"supported)\b)|(哪个|哪一个|什么)\s*(tool|工具)|(tool|工具)\s*(是|叫)?(哪个|什么)", re.I)
# the subscriber's words for what the Vision MCP's tools describe
TASK_WORDS = {"图表": "charts", "仪表盘": "dashboards", "截图": "screenshots", "架构": "architecture", "流程": "flow",
              "对比": "compare", "文字": "text", "报错": "error", "视频": "videos", "界面": "ui", "代码": "code"}
_STOP = frozenset("the and for with that this what which tool tools mcp server vision into from your our need needs "
                  "installed install should want using claude code cline cursor before after change".split())


@lru_cache(maxsize=4)
def _tool_bullets(path: str) -> tuple[str, ...]:
    """A server page's tool list, one line each: "* **`understand_technical_diagram`** - Interpret architecture, ..."."""
    try:
        text = frontmatter.load(path).content
    except OSError:
        return ()
    return tuple(re.sub(r"\*\*", "", line.lstrip("* ").strip()) for line in text.splitlines()
                 if re.match(r"\s*\*\s+\*\*`\w+`\*\*\s+[-—]\s", line))


# What a server's tool is called or gives back: "the exact tool name the search server exposes", "does it return URLs?"
# (what it returns in a case, "when the site blocks scraping", "for a PDF link", "once my searches run out", is no
# question of its line)
_NO_CASE = r"(?![^.?!\n]{0,60}\b(when|if|for|after|once|on an?|with an?|to)\b)"
TOOL_NAME_ASK = re.compile(r"\b(what('s| is| are)|exact|actual) (the )?([\w-]+ ){0,3}tool(')?s? names?\b|\bname of the ([\w-]+ )?tool\b|"
                           rf"\bwhat does [^.?!\n]{{0,40}}\b(return|give back)\b{_NO_CASE}|\bdoes (it|the [\w-]+( [\w-]+)?) "
                           rf"(actually )?(return|give back)\b{_NO_CASE}|工具名|工具叫什么|返回(什么|哪些|的是)", re.I)
# a pasted config shown to be checked: "Is the usage simply like this:", "does this look right?", "这样配对吗"
PASTE_CHECKED = re.compile(r"\b(like this|look(s)? (right|ok|correct)|is (this|that|it|my config) (right|correct|ok))\b|"
                           r"这样(写|配|用)?(对|可以|行)吗|这么(写|配)(对|可以|行)吗", re.I)
# A server's configuration asked ("the exact name for Extension Name", "the auth header", "SSE 地址"): its setup answers
CONFIG_ASKED = re.compile(r"\b(config\w*|json|header|endpoint|url|sse|extension name|key name|settings?)\b|配置|地址|请求头", re.I)


def server_tool_for(msg: Message, corpus_dir: Path | None, server: str = "vision") -> str | None:
    """The tool of a server's page whose line shares the most words with the task asked (at least two, no tie); a
    page with one tool (webSearchPrime, webReader) has that one."""
    if corpus_dir is None:
        return None
    bullets = _tool_bullets(str(Path(corpus_dir) / f"{MCP_SERVERS[server][1]}.md"))
    asked = " ".join(msg.questions) or msg.ask
    if len(bullets) == 1 and TOOL_NAME_ASK.search(asked):
        return bullets[0]  # asked what it is called or returns: its line; a task asked must share its words, as below
    ask = msg.ask.lower()
    words = {w for w in re.findall(r"[a-z]{4,}", ask) if w not in _STOP} | {en for zh, en in TASK_WORDS.items() if zh in ask} | {
        w for w in ("ui", "er", "uml", "ocr") if re.search(rf"\b{w}\b", ask)}
    scored = []
    for line in bullets:
        description = re.split(r" [-—] ", line, maxsplit=1)[-1].lower()
        scored.append((len({w for w in words if re.search(rf"\b{re.escape(re.sub(r'(?<=[a-z]{3})(es|s)$', '', w))}(e|es|s)?\b",
                                                         description)}), line))
    scored.sort(key=lambda pair: -pair[0])
    if not scored or scored[0][0] < 2 or (len(scored) > 1 and scored[1][0] == scored[0][0]):
        return None  # (a tie or one shared word names no tool: "which tool do I need installed to use it?")
    return scored[0][1]


# a setting said to be left out, or asked whether or what to set: "Z_AI_MODE 我没配，这个必须填吗", "what should Z_AI_MODE be?"
MODE_UNSET = re.compile(r"\b(didn'?t|did not|haven'?t|have not|never|not) (set|add|configur\w*|fill\w*)|\b(without|missing|"
                        r"required|mandatory|necessary)\b|\b(do i|should i|must i) (need|have) to (set|add)|\bwhat (value|should)\b|"
                        r"没(配|设|填|加)|不填|没有(配置|设置)|必须|必填|要不要|需要(填|配|设)|填什么|设成什么|设置成什么|设为什么", re.I)
def video_sizes(ask: str) -> list[float]:
    """Megabytes said of a video ("mp4 大概 23MB"): a "10m long" video is minutes, a 12MB png an image."""
    return [float(m.group(1)) for m in re.finditer(r"(\d+(?:\.\d+)?)\s?(?:mb|mib|兆)\b", ask, re.I)
            if VIDEO.search(ask[max(0, m.start() - 30):m.end() + 30]) and not IMAGE_NEAR.search(
                ask[max(0, m.start() - 20):m.end() + 12])]


IMAGE_NEAR = re.compile(r"\b(png|jpe?g|gif|webp|image|screenshot|picture|photo)s?\b|图片|截图|照片", re.I)
VIDEO = re.compile(r"\b(videos?|mp4|mov|m4v|screen ?recordings?|recordings?)\b|视频|录屏|录像", re.I)
CLIENT_SETUP_ASK = re.compile(r"\b(which|what|another|different|other|right|correct)\b.{0,20}\b(endpoint|type|url|transport|"
                              r"config\w*)\b|\bhow (do|can|should) (i|we) (add|set|configure)\b|(换|用|填|选).{0,8}(端点|类型|地址)|"
                              r"(端点|类型|地址).{0,8}(换|填|选|对不对)|怎么(加|添加|配)", re.I)


def symptom_section(d: Diagnosis, msg: Message, servers: list[str], corpus_dir: Path | None) -> bool:
    """The server page's troubleshooting section for the symptom the message reports."""
    for server, symptom in ((s, h) for s in servers for h in symptoms_of(msg)):
        text = section(corpus_dir, MCP_SERVERS[server][1], symptom)
        if text:
            d.fact(SERVER_FACT[server])
            d.say("mcp", f"The {SERVER_NAMES[server]} MCP page's troubleshooting for this:\n{text}",
                  f"{SERVER_NAMES[server]} MCP 页面对这个问题的排查说明（原文）：\n{text}")
            if symptom.startswith("^Invalid") and server in REMOTE_MCP and not any("Bearer" in line for line in d.lines):
                mcp_line(d, server, command=False)  # "check the header format": the page's format, unless said already
            return True
    return False


def mcp_counts(d: Diagnosis) -> list[str]:
    """Each plan's monthly web searches and reader calls, cited: ["Lite 100", "Pro 1,000", "Max 4,000"]."""
    return [f"{plan} {d.fact(f'mcp.{plan.lower()}'):,}" for plan in ("Lite", "Pro", "Max")]


def client_section(d: Diagnosis, server: str, tool: str, corpus_dir: Path | None) -> None:
    """The server page's section for the client named, or its section for other MCP clients."""
    doc = MCP_SERVERS[server][1]
    heading = CLIENT_HEADING.get(tool, OTHER_CLIENTS)
    own = section(corpus_dir, doc, heading) if heading != OTHER_CLIENTS else ""
    text = own or section(corpus_dir, doc, OTHER_CLIENTS)
    if own or (text and _tool_name(tool).lower() in text.lower()):  # "For Roo Code, Kilo Code and other clients"
        d.say("mcp", f"In {_tool_name(tool)}, as the {SERVER_NAMES[server]} MCP page sets it up:\n{text}",
              f"在 {_tool_name(tool)} 中的配置，{SERVER_NAMES[server]} MCP 页面原文如下：\n{text}")
    elif text:  # the page has no section for this client: say so, and give its configuration for any other client
        d.say("mcp", f"The {SERVER_NAMES[server]} MCP page has no section for {_tool_name(tool)}; its configuration for "
                     f"other MCP clients:\n{text}",
              f"{SERVER_NAMES[server]} MCP 页面没有 {_tool_name(tool)} 的专门说明；它给其他 MCP 客户端的通用配置（原文）：\n{text}")


def mcp_outside(d: Diagnosis, msg: Message, balance: bool) -> None:
    """The plan's MCP tools called from an SDK, curl or the REST API: the FAQ gives no other way than the plan,
    and API calls are billed to the balance."""
    d.fact("mcp.no_other_access")
    d.say("mcp", "The FAQ: \"Other than the resource package, we currently do not provide any other access solutions "
                 "for calling these three MCP tools\" (Vision, Web Search, Web Reader).",
          "FAQ 原文：“Other than the resource package, we currently do not provide any other access solutions for "
          "calling these three MCP tools”（Vision、Web Search、Web Reader），即除套餐资源包外，目前不提供调用这三个 MCP "
          "工具的其他方式。")
    d.fact("api.billed_separately")
    d.say("mcp", "API calls are billed separately and do not use the Coding Plan quota"
                 + (", which is why a direct API call asks for account balance (1113)." if balance else "."),
          "API 调用单独计费，不使用 Coding Plan 套餐额度" + ("，所以直接调用 API 会要求账户余额（1113）。" if balance else "。"))
    d.fact("terms.tools_only")
    d.say("terms", "The plan's quota is for use inside coding tools, not for calling the services from your own "
                   "applications or scripts (subscription terms).",
          "套餐额度只能在编程工具中使用，不能用于从你自己的应用或脚本调用这些服务（订阅条款）。")
    d.handoff = True


# An answer that ends partway with no error shown: "stops mid-answer, no error", "输出到一半就停了"
STOPPED_MIDWAY = re.compile(
    r"\b(stops?|stopped|stopping|ends?|ended|cuts? off|cut off|truncat\w*|dies|died|breaks? off)\b[^.?!\n]{0,40}\b(mid|midway|"
    r"halfway|half way|in the middle|mid-?sentence|mid-?answer|mid-?stream|mid-?response|part ?way)\b|\b(mid|halfway)[- ]"
    r"(answer|sentence|stream|response|output|reply)\b|(输出|回答|回复|生成|写)?(到)?一半(就)?(停|断|没了|中断|结束)|中途(断|停|中断)|"
    r"突然(停|断)(了|掉)|戛然而止|"
    # "the stream just ends early, last chunk has finish_reason network_error"
    r"\bstream\w* (just |sometimes )?(ends?|ended|stops?|stopped|dies|cuts? off)\b[^.?!\n]{0,12}\b(early|prematurely|too soon)\b|"
    r"\bfinish_reason\W{0,4}network_error\b|流式.{0,12}(提前|中途)(结束|断开|中断)", re.I)
# codes named only as ones not received: "no error JSON at all, no code like 1234 or 500"
CODES_DENIED = re.compile(r"\bno (error )?(json|code|codes)\b[^.\n]{0,20}\b(like|such as)\b|没有.{0,6}(错误码|code)", re.I)


# ...and no error to show for it ("no error at all", "HTTP 200", "没有任何 error code"): "cut off mid-file, how do I raise
# the output limit?" is a length question, not this one
NO_ERROR = re.compile(r"\bno (\w+ )?(error|code|exception|warning)s?\b|\bwithout (an? |any )?(error|warning)|\bnothing in the "
                      r"(log|logs|output)|\bhttp\b[^\n0-9]{0,6}200\b|\bstatus( code)?[ :]*200\b|\b200 ok\b|\bno (1xxx|http)\b|没有(任何)?.{0,4}(报错|错误|error|提示)|无报错|不报错",
                      re.I)


def stopped_midway(d: Diagnosis) -> None:
    """An answer cut off with no error code: the error page's note on streaming, and the values finish_reason takes."""
    d.fact("error.stream_finish_reason")
    reasons = d.fact("api.finish_reasons")
    d.say("diagnosis", "The error-code page: \"When using streaming (SSE) calls, if the API terminates abnormally during "
                       "inference, the above error codes will not be returned. Instead, the reason for the exception will be "
                       "provided in the `finish_reason` parameter of the response body.\" Its values (chat completion "
                       f"reference): {', '.join(reasons)}. The docs don't say where your tool shows it; its own logs or "
                       "Z.ai support can.",
          "错误码页面说：使用流式（SSE）调用时，如果推理过程中 API 异常终止，不会返回上面的错误码，异常原因会放在响应体的 "
          f"`finish_reason` 参数里。它的取值（对话补全接口文档）：{'、'.join(reasons)}。文档没有说明你的工具在哪里显示它，"
          "可以查看工具自己的日志或咨询 Z.ai 客服。")
    d.handoff = True


# the reply's ending asked about: "is it truncated?", "stops mid-sentence", "max_tokens 最大能开到多少", "截断"
ENDED_ASK = re.compile(r"\b(truncat\w*|cut (off|short)|stops?|stopped|ends?|ended|max_tokens|what happened|why)\b|截断|停了|断了|"
                       r"没写完|一半|max_tokens", re.I)
# a response's own reason for ending, pasted: "finish_reason": "length", finish_reason=sensitive
FINISH_REASON = re.compile(r"finish_reason[\"']?\s*[:=]\s*[\"']?(length|sensitive)\b", re.I)


def finish_reason_shown(d: Diagnosis, reason: str) -> None:
    """"finish_reason": "length" (the output limit reached), or "sensitive" (the content filter): the reference's words."""
    d.fact("api.finish_reasons")
    if reason == "length":
        d.fact("api.max_tokens")
        series = d.facts.words("api.max_tokens", r"the GLM-4\.7[^,]*, the GLM-4\.5 series[^,]*")
        span = d.facts.words("api.max_tokens", r"range [^;\]]+")
        new, old = re.findall(r"\d+K", series)[:2]
        d.say("diagnosis", "finish_reason \"length\" is the reply ending at its output length limit, which max_tokens sets. "
                           f"The chat completion reference: \"{series}\" (max_tokens {span}).",
              "finish_reason 为“length”表示回复在输出长度上限处结束，这个上限由 max_tokens 设定。对话补全接口文档：GLM-4.7、GLM-4.6 "
              f"系列最大输出 {new}，GLM-4.5 系列最大输出 {old}（max_tokens 取值{span.replace('range', '范围')}）。")
    else:
        meaning = d.fact("error.1301")
        d.say("diagnosis", "finish_reason \"sensitive\" is one of the values the chat completion reference lists; the "
                           f"docs' description of it is error 1301: \"{meaning}\"",
              f"finish_reason 为“sensitive”是对话补全接口文档列出的取值之一；文档对它的说明见错误码 1301：“{meaning}”")
    d.handoff = True


def names_glm5(msg: Message) -> bool:
    """GLM-5 (or a later GLM-5.x) among the models the message names."""
    return any(re.match(r"glm-?5", m) for m in msg.models)


def quota_drain(d: Diagnosis, msg: Message) -> None:
    """Quota going faster than expected: what the FAQ says makes it go (model calls per prompt, GLM-5's rate, the
    weekly cycle) and where to watch it; a plan the story says others use too, the terms on sharing first."""
    if SHARING.search(msg.ask):
        d.fact("sub.personal")
        d.say("terms", "A GLM Coding Plan subscription is tied to a single account and licensed only to the individual "
                       "person who owns it (subscription terms): others using your key share (and are not allowed to "
                       "share) its quota.",
              "GLM Coding Plan 订阅绑定单个账户，只授权给拥有该账户的个人使用（订阅条款）：别人用你的 key，会一起消耗（而且条款不允许共享）"
              "这份额度。")
    rate = d.fact("models.glm5_multiplier")
    low, high = d.fact("calls_per_prompt")
    calls = (f"One prompt in a coding tool is many model calls: the FAQ says each prompt typically allows {low}–{high} "
             "model calls, so one question can show up as several deductions.",
             f"在编程工具里，一次 prompt 会产生多次模型调用：FAQ 说每次 prompt 通常会有 {low}–{high} 次模型调用，所以一个问题"
             "可能显示为多次扣减。")
    glm5 = names_glm5(msg)
    if glm5:  # GLM-5 named in the story: its rate is the likeliest reason, so it comes first
        later = [m.upper().replace("GLM5", "GLM-5") for m in msg.unknown_models if re.match(r"glm-?5", m)]
        d.say("quota", f"GLM-5 consumes the plan's quota {rate} times as fast as earlier models (FAQ); GLM-4.7 is "
                       "enough for routine development, GLM-5 for the hardest tasks."
                       + (f" The docs say this of GLM-5; they don't mention {', '.join(later[:2])}." if later else ""),
              f"GLM-5 消耗套餐额度的速度是之前模型的 {rate} 倍（FAQ）；日常开发用 GLM-4.7 就够了，GLM-5 留给最难的任务。"
              + (f"文档说的是 GLM-5，没有提到 {'、'.join(later[:2])}。" if later else ""))
        d.say("quota", *calls)
    else:
        d.say("quota", *calls)
        d.say("quota", f"If your tool calls GLM-5, it consumes the quota {rate} times as fast as earlier models (FAQ).",
              f"如果你的工具调用的是 GLM-5，它消耗额度的速度是之前模型的 {rate} 倍（FAQ）。")
    if glm5 and set(msg.tools) & {"claude-code", "claude-code-ide"}:
        opus, sonnet, haiku = d.fact("glm5.saving.opus"), d.fact("glm5.saving.sonnet"), d.fact("glm5.saving.haiku")
        d.say("quota", "In Claude Code, check the models that ANTHROPIC_DEFAULT_OPUS_MODEL, ANTHROPIC_DEFAULT_SONNET_MODEL "
                       "and ANTHROPIC_DEFAULT_HAIKU_MODEL name in the env block of ~/.claude/settings.json: the FAQ's "
                       f"quota-saving configuration maps Opus to {opus}, Sonnet to {sonnet} and Haiku to {haiku}.",
              "在 Claude Code 中，检查 ~/.claude/settings.json 的 env 里 ANTHROPIC_DEFAULT_OPUS_MODEL、"
              "ANTHROPIC_DEFAULT_SONNET_MODEL 和 ANTHROPIC_DEFAULT_HAIKU_MODEL 指定的模型：FAQ 的节省额度配置把 Opus 映射到 "
              f"{opus}，Sonnet 映射到 {sonnet}，Haiku 映射到 {haiku}。")
    if re.search(r"\bweek|周", msg.raw, re.I):
        days = d.fact("weekly.cycle")
        d.say("quota", f"The weekly quota counts from the time you placed your order and resets every {days} days.",
              f"每周额度从你下单的时间开始计算，每 {days} 天重置一次。")
    usage_check(d)
    d.handoff = True


# A tool showing a cost for what the plan covers (a named tool's figure; "I paid the full price, but the page still
# shows the monthly plan" is no tool's display): "opencode is showing the price ($0.08) although it's a coding plan
# model", "Crush calculates cost per million tokens for the coding plan", "用 coding plan 显示花费了 $3"
_SHOWN = r"(shows|showing|shown|displays|displayed|displaying|calculates|calculated|calculating|calculation|computes|" \
         r"computed|computing|estimates|estimated)"  # the tool's doing; "show me the price" asks for it
COST_DISPLAY = re.compile(rf"\b{_SHOWN}\b[^.\n]{{0,60}}(\bprices?\b|(?<!/)\bcosts?\b|\$\s?\d)|"
                          rf"\b(prices?|costs?)\b[^.\n]{{0,40}}\b{_SHOWN}\b|"
                          r"(显示|计算|统计)(了|出)?.{0,12}(费用|价格|花费|花了|金额|成本|\$)", re.I)


# a charge asked about in a question: "Am I actually being charged for that?", "is that $0.90 real?", "扣的是余额吗？"
CHARGE_ASKED = re.compile(r"\b(charg\w*|bill\w*|pay|paid|money|costs?|price|real|worry|balance|card)\b|\$\s?\d|扣|收费|花钱|"
                          r"付钱|真的|余额", re.I)


def cost_display(d: Diagnosis) -> None:
    """What the plan's calls cost: its quota only, never the balance; a tool's own cost figure is not the docs'."""
    only = d.fact("quota.plan_only")
    hours = d.fact("quota.refresh")
    billing = d.fact("billing.history")
    d.say("cost", f"The FAQ: \"GLM-4.7 calls made in supported coding tools will {only}\"; once the quota is used "
                  f"up you wait for the next {hours}-hour cycle, and \"the system will not deduct from your account "
                  f"balance\". The docs don't cover the cost a tool displays; what you were actually charged is under "
                  f"Billing → Billing History ({billing}).",
          f"FAQ 说：在支持的编程工具中调用 GLM-4.7 只会消耗你的 Coding Plan 额度；额度用完后要等到下一个 {hours} 小时周期刷新，"
          f"系统不会扣你的账户余额。工具自己显示的费用，文档没有说明；实际扣费请在 Billing → Billing History（{billing}）查看。")


def usage_check(d: Diagnosis) -> None:
    # the rules intent's own wording: one text for both routes
    d.say("usage", *(usage_ways(d.fact, zh) for zh in (False, True)))


EXPLAINED_HTTP = ("401", "429", "500")  # the page's other reasons (fine-tuning, file uploads) are not a chat's


SHARING = re.compile(r"\b(shar(e|es|ed|ing)|split|pool(ed|ing)?)\b.{0,40}\b(quota|plan|subscription|account|key)\b|"
                     r"\b(quota|plan|subscription|account)\b.{0,40}\bshar(e|ed|ing)\b|共享|分享|合租|合买|平摊|"
                     # "一个账号的 key 分给三个人"
                     r"分给.{0,4}(\d+|[二两三四五六七八九几])\s*个人|"
                     # "me and two teammates have been using my Max key", "我和同事一起用我的 key"
                     r"\b(teammates?|colleagues?|co-?workers?|friends?|team ?members?|my team|others)\b[^.?!\n]{0,40}\b(us(e|es|ed|ing))\b"
                     r"[^.?!\n]{0,20}\bmy\b[^.?!\n]{0,15}\b(key|account|plan|subscription)\b|"
                     r"(同事|朋友|同学|团队|别人|其他人).{0,12}(一起|共同|共用)?(用|使用).{0,6}我的.{0,6}(key|账号|账户|套餐|订阅)|"
                     # "put the same API key into the Cline of my 3 devs", "大家共用一个 API key"
                     r"\b(same|one|single) (api )?key\b.{0,40}\b(devs?|developers|teammates?|colleagues?|co-?workers?|"
                     r"team|friends?|engineers|employees|staff)\b|(共用|合用|一起用|轮流用).{0,8}(一个|同一个)?\s*(api\s*)?(key|账号|账户|"
                     r"套餐|订阅)", re.I)
QUOTED_QUOTAS = re.compile(r"~?\d[\d,]* prompts every 5 hours", re.I)
USAGE_WORDS = re.compile(r"\busage\b|\bquota\b|\bremaining\b|\blimits?\b|额度|用量|余量", re.I)


def _unlisted_tool(msg: Message) -> str | None:
    """A coding tool or product the message names that the docs have no page for (Zed, aider, LiteLLM, RepoPrompt),
    as the subscriber wrote it; a chat front-end or workflow builder is no coding tool (the terms answer those)."""
    for name in msg.other_tools:
        if name in NON_CODING_APPS:
            continue
        written = re.search(rf"(?<![\w.-]){re.escape(name)}(?![\w-])", msg.raw, re.I)
        return written.group(0) if written else name
    # a product's name looks like one (RepoPrompt, AiderDesk); "in Brazil", "with Visa" are a place and a card
    return next((name for name in msg.unknown_names if re.search(r"[a-z][A-Z]|\d", name)), None)


def _asked_in(tool: str, msg: Message) -> bool:
    """The plan asked for in this very tool ("Eigent support for the coding plan", "use my plan in Eigent?"), not a
    tool named as an example ("can take inspiration from OpenCode")."""
    return any(re.search(rf"\b{re.escape(a)}\s+(support|integration)\b(?! for (image|vision|screenshot|video|paste))|"
                         rf"\b(support|integrat\w*|use (the |my )?(glm |z\.?ai )?(coding )?plan)\b[^.\n]{{0,30}}\b(in|for|with|into)\s+"
                         rf"{re.escape(a)}\b", msg.raw, re.I) for a in TOOLS[tool][0])


def requested_tool(msg: Message) -> str | None:
    """"It would be great if OpenCode could add support": the documented tool the request is about, not one named in
    passing ("similar to the support in Cursor, Windsurf...", "I use it with opencode")."""
    for tool in msg.tools:
        for alias in TOOLS[tool][0]:
            name = re.escape(alias)
            if tool in TOOL_SETUP and re.search(
                    rf"\b(if|could|can|please|pls|would)\b[^.\n]{{0,30}}\b{name}\b|\b{name}\b[^.\n]{{0,20}}\b(add|support|"
                    rf"integrat)\w*|(让|希望|请)\s*{name}", msg.raw, re.I):
                return tool
    return None


def feature_request(d: Diagnosis, msg: Message, tool: str | None) -> Diagnosis:
    """A request to add something (a tool's support for the plan, a usage display, a model): the docs document
    what is, so the request itself is for a person; what they say on its subject comes after."""
    if tool in TOOL_SETUP and TOOLS[tool][1] != "devpack-tool-others" and _asked_in(tool, msg) and not (
            msg.mcp or SHARING.search(msg.ask) or msg.usage_query or USAGE_WORDS.search(without_foreign_quota(msg.ask))):
        # "Support the coding plan in Eigent": the docs have that tool's page, so its setup is the answer
        name = _tool_name(tool)
        d.say("scope", f"The docs have a page for using the plan in {name}:", f"文档有在 {name} 中使用套餐的说明：")
        tool_setup(d, tool)
        return d
    d.handoff = True
    d.say("scope", "The docs don't cover feature requests like this one; Z.ai support (or the tool's own maintainers) "
                   "would take it. What the docs say on the subject:",
          "文档不涉及这类功能需求；这需要 Z.ai 客服（或该工具的维护者）来处理。文档中与此相关的内容：")
    if SHARING.search(msg.ask):
        d.fact("sub.personal")
        d.say("terms", "A GLM Coding Plan subscription is tied to a single account and licensed only to the individual "
                       "person who owns it (subscription terms), so its quota is not shared with others.",
              "GLM Coding Plan 订阅绑定单个账户，只授权给拥有该账户的个人使用（订阅条款），所以额度不能与他人共享。")
        return d
    if msg.mcp:
        order = ("web-search", "web-reader", "zread", "vision")
        for server in [s for s in order if s in msg.mcp] or [s for s in order if s != "vision"]:
            mcp_line(d, server, command=False)
        if USAGE_WORDS.search(without_foreign_quota(msg.ask)):
            counts = mcp_counts(d)
            d.fact("mcp.vision")
            d.say("mcp", f"Web searches and web reader calls per month in total: {'; '.join(counts)}; vision understanding "
                         "draws on the plan's 5-hour prompt pool.",
                  f"网络搜索和网页读取每月合计次数：{'；'.join(counts)}；视觉理解使用套餐的 5 小时 prompt 额度。")
        return d
    if QUOTED_QUOTAS.search(msg.raw):  # the plans' figures quoted from a page: the current FAQ's, whatever they quote
        lite, pro, max_ = d.fact("quota.lite"), d.fact("quota.pro"), d.fact("quota.max")
        d.say("quota", f"The current FAQ gives Lite ~{lite}, Pro ~{pro} and Max ~{max_} prompts every 5 hours "
                       "(estimates); older pages gave other figures.",
              f"当前 FAQ 给出的是每 5 小时 Lite 约 {lite} 次、Pro 约 {pro} 次、Max 约 {max_} 次 prompt（估算值）；旧页面给过别的数字。")
    if msg.usage_query or USAGE_WORDS.search(without_foreign_quota(msg.ask)):
        usage_check(d)
        d.say("usage", f"The 5-hour quota refreshes every {d.fact('quota.refresh')} hours; the weekly quota counts from "
                       f"your order time and resets every {d.fact('weekly.cycle')} days.",
              f"5 小时额度每 {d.fact('quota.refresh')} 小时刷新一次；每周额度从下单时间开始计算，每 {d.fact('weekly.cycle')} "
              "天重置一次。")
        return d
    if re.search(r"\b(vision|multi-?modal|image (input|understanding)|glm-?4\.\dv)\b|多模态|视觉|识图|图片理解", msg.raw, re.I):
        mcp_line(d, "vision", command=False)  # a vision model asked for: the plan's vision is its Vision MCP server
        return d
    if "glm-5" in [m.replace("glm5", "glm-5") for m in msg.models]:
        plans, mult = d.fact("models.glm5_plans"), d.fact("models.glm5_multiplier")
        d.fact("models.lite_no_glm5")
        d.say("models", f"GLM-5 is available on the {plans[1]} and {plans[0]} plans (each GLM-5 prompt counts {mult}× "
                        "against the quota); Lite does not include it yet.",
              f"GLM-5 在 {plans[1]} 和 {plans[0]} 套餐中可用（每次 GLM-5 prompt 按 {mult} 倍计入额度）；Lite 目前不包含 GLM-5。")
        return d
    if tool:
        tool_setup(d, tool)
    d.fact("faq.designated")
    d.fact("tool.others.openai")
    general = d.fact("endpoint.general").rsplit("/chat", 1)[0]
    d.fact("api.billed_separately")
    d.say("scope", "The plan's quota is only intended to be used within coding/IDE tools designated or recognized by "
                   "Z.ai (such as Claude Code, Kilo Code) for personal code assistance (FAQ). The Other Tools page says "
                   f"any tool supporting the OpenAI protocol can run on GLM-4.7 with {d.fact('endpoint.coding')} and "
                   f"your API key. Any other use goes through the pay-as-you-go general API ({general}), billed "
                   "separately from the plan.",
          "套餐额度仅限在 Z.ai 指定或认可的编程/IDE 工具（如 Claude Code、Kilo Code）中用于个人编程辅助（FAQ）。"
          f"Other Tools 页面说，任何支持 OpenAI 协议的工具都可以通过 {d.fact('endpoint.coding')} 和你的 API Key 使用 "
          f"GLM-4.7。其他用途请走按量付费的通用 API（{general}），与套餐分开计费。")
    return d


def cline_other_configurations(d: Diagnosis, kind: str = "settings") -> None:
    """Cline's setup page, its Other Configurations: the image checkbox off and the context window size."""
    d.fact("tool.cline.support_images")
    size = d.fact("tool.cline.context")  # the page's other setting under the same heading
    d.say(kind, "Cline's setup page, under Other Configurations: \"Unchecking Support Images\" (a setting of its API "
                f"provider, beside the base URL and model), and Context Window Size {size}.",
          "Cline 的配置页面在 Other Configurations 里写的是：取消勾选 Support Images（API Provider 设置中的一项，和 Base URL、"
          f"模型在一起），Context Window Size 设为 {size}。")


def enforcement_terms(d: Diagnosis, sharing: bool = False) -> None:
    """A ban, a suspension, a locked account: what the plan may be used for, what the subscription terms say may
    happen, and that a single case is for Z.ai support (the docs describe no appeal or review). Said once. A plan the
    story shares with others ("one key for my 3 devs, will you ban us?") gets the terms' own no first."""
    if "terms.measures" in d.fact_ids:
        return
    if sharing and "sub.no_transfer" not in d.fact_ids:
        d.fact("sub.personal")
        d.fact("sub.no_transfer")
        d.say("terms", "The subscription terms tie the plan to a single account, licensed only to the individual "
                       "person who owns it, and say \"You shall not share your account or subscription, or allow any "
                       "other person (including but not limited to your colleagues, friends, customers or any "
                       "organization) to use your GLM Coding Plan quota\". Each person needs a subscription of their own.",
              "订阅条款规定套餐绑定单个账户，只授权给该账户对应的个人使用，并写明“You shall not share your account or "
              "subscription, or allow any other person (including but not limited to your colleagues, friends, customers "
              "or any organization) to use your GLM Coding Plan quota”（不得共享账户或订阅，也不得让任何他人——包括同事、"
              "朋友、客户或任何组织——使用你的套餐额度）。每个人需要各自订阅。")
    if not {"faq.designated", "terms.tools_only"} & set(d.fact_ids):
        d.fact("faq.designated")
        d.say("terms", "The FAQ says the plan's quota is only intended for coding/IDE tools designated or recognized by "
                       "Z.ai (such as Claude Code, Kilo Code), for personal code assistance.",
              "FAQ 说套餐额度仅限在 Z.ai 指定或认可的编程/IDE 工具（如 Claude Code、Kilo Code）中用于个人编程辅助。")
    d.fact("terms.violation")
    d.fact("terms.measures")
    d.say("terms", TERMS_MEASURES["en"] + " The docs don't say how a single case is reviewed or appealed; Z.ai support "
                   "handles that.", TERMS_MEASURES["zh"] + "文档没有说明申诉方式或审核流程，这需要联系 Z.ai 客服。")


def _error_meaning(d: Diagnosis, msg: Message, corpus_dir: Path | None = None) -> None:
    business = [e for e in msg.errors if e.kind == "business"]
    for error in business[:2]:
        fact_id = f"error.{error.code}"
        if fact_id in d.facts.by_id:
            meaning = re.sub(r"\s*\[https?://[^\]]+\]\((https?://[^)]+)\)", r" \1", str(d.fact(fact_id)))
            said = error.said if error.said and error.said.lower() not in meaning.lower() else ""
            d.say("error", f"Error {error.code}" + (f" (yours says: \"{said}\")" if said else "")
                  + f" means: \"{meaning}\" (the API's error-code page).",
                  f"错误码 {error.code}" + (f"（你收到的是：“{said}”）" if said else " ")
                  + f"的含义，API 错误码页面原文：“{meaning}”。")
            field = PARAMETER_NAMED.search(error.said or "") or PARAMETER_NAMED.search(msg.ask)
            names = [next(g for g in field.groups() if g)] if field else []
            if not names and "${field}" in meaning:  # "Invalid `${field}` parameter": the ones the message sets
                names = [n for n in parameters_set(corpus_dir, msg.raw) if n not in NO_SIGN]
                asked = " ".join(msg.questions)  # ("stop 到底支持几个？": the one the question names first)
                names = sorted(names, key=lambda n: not re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", asked, re.I))
                names = names[:MAX_PARAMETERS]
            if not names:  # "temperature and top_p cannot be set simultaneously", "You already have a request: ..."
                names = templated_parameters(meaning, error.said or msg.ask, corpus_dir)[:MAX_PARAMETERS]
            vision = bool(VISION_MODEL_NAMED.search(" ".join(msg.models)))  # (the vision section's own line)
            lines = [block[0] for block in (parameter_block(corpus_dir, name, vision) for name in names) if block]
            if lines:  # "Invalid user_id parameter": what the API reference says of that parameter
                d.fact("api.parameters")
                if len(lines) == 1:
                    d.say("error", f"The API reference on that parameter: {lines[0]}",
                          f"API 参考文档对这个参数的说明（原文）：{lines[0]}")
                else:  # "temperature=1.3 and top_p=0 ... 1214": each one set, since the code names none
                    d.say("error", "The API reference on the parameters you set:\n" + "\n".join(f"• {ln}" for ln in lines),
                          "API 参考文档对你设置的参数的说明（原文）：\n" + "\n".join(f"• {ln}" for ln in lines))
    # a business code read off the message's words, beside the code its body gives ('{"code":"401","message":"令牌已过期或
    # 验证不正确"}'): the code they got is said as well
    body_codes = set(re.findall(r"[\"']code[\"']\s*:\s*[\"']?(\d{3})\b", msg.raw)) & set(msg.http_codes)
    if business and not (body_codes and all(e.said and e.code not in msg.raw for e in business)):
        return
    for code in [c for c in msg.http_codes if c in EXPLAINED_HTTP][:1]:
        rows = [fid for fid in d.facts.by_id if fid.startswith(f"error.http.{code}.")]
        if not rows:
            continue
        reasons = [d.fact(fid) for fid in rows]
        if len(reasons) == 1:
            reason, solution = reasons[0]
            d.say("http", f"HTTP {code} means: {reason}" + (f". The page's fix: {solution}." if solution != "-" else "."),
                  f"HTTP {code} 的含义（错误码页面原文）：“{reason}”"
                  + (f"。页面给出的解决办法：“{solution}”。" if solution != "-" else "。"))
        else:
            listed = "; ".join(f"{r} ({s.rstrip('.')})" for r, s in reasons)
            listed_zh = "；".join(f"“{r}”（“{s.rstrip('.')}”）" for r, s in reasons)
            d.say("http", f"HTTP {code} can mean any of: {listed}. The business code in the error body says which.",
                  f"HTTP {code} 可能是以下任一情况（错误码页面原文）：{listed_zh}。具体是哪一种，看错误内容里的业务错误码。")
            if code == "429":  # a 429 with no code shown: the plan's own limit is one of the codes it carries
                used_up = d.fact("error.1308").split(".")[0]  # "Usage limit reached for {number} {unit}"
                hours, days = d.fact("quota.refresh"), d.fact("weekly.cycle")
                for rate in RATE_CODES:
                    d.fact(f"error.{rate}")
                d.say("http", f"On the plan, code 1308 (\"{used_up}\") is the usage limit: the 5-hour quota refreshes "
                              f"every {hours} hours and the weekly quota every {days} days from your order, and the error "
                              "gives the reset time; 1302, 1303 and 1305 are limits on requests at once or per unit of time.",
                      f"对套餐来说，错误码 1308（“{used_up}”）是用量上限：5 小时额度每 {hours} 小时刷新，每周额度从下单时间起每 "
                      f"{days} 天重置，错误信息会给出重置时间；1302、1303 和 1305 是并发或频率限制。")


# A model's API that is gone ("API `${API_name}` has been taken offline", "does not exist"): the models it may call
GONE_API = re.compile(r"taken offline|does not exist", re.I)


def templated_parameters(meaning: str, said: str, corpus_dir: Path | None) -> list[str]:
    """The request parameters an error's own words name, read through the error page's template: its placeholder
    when that is a parameter ("You already have a request: `${request_id}`"), the values filling its placeholders when
    those are ("`${field1}` and `${field2}` cannot be set simultaneously" said as "temperature and top_p cannot be
    set simultaneously"), and `model` for a model's API that is gone (its allowed models)."""
    page = Path(corpus_dir) / "api-reference-chat-completion.md" if corpus_dir else None
    if page is None or not page.is_file():
        return []
    request = _request_parameters(str(page))
    holes = re.findall(r"\$\{(\w+)\}", meaning)
    names = [h for h in holes if h in request]
    if said and holes:
        parts = re.split(r"`?\$\{\w+\}`?", meaning)
        # (each literal part by its first words: a message told shortened, "... cannot be set simultaneously.")
        shape = r"\s*`?([\w.-]+)`?\s*".join(re.escape(" ".join(part.split()[:4]).strip(",.;:")) for part in parts)
        filled = re.search(shape, said, re.I)
        if filled:
            names += [v for v in filled.groups() if v in request and v not in names]
            if "API_name" in holes and GONE_API.search(meaning):
                names.append("model")
    return names


# The parameter an error names: "Invalid count parameter", "Invalid `tools` parameter", "temperature参数非法"
PARAMETER_NAMED = re.compile(r"\binvalid `?(\w+)`? parameter\b|\b(\w+)\s*参数(非法|无效|错误|有误)", re.I)


@lru_cache(maxsize=8)
def _reference_lines(path: str) -> tuple[str, ...]:
    return tuple(Path(path).read_text(encoding="utf-8").splitlines())


@lru_cache(maxsize=8)
def _parameter_lines(path: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in _reference_lines(path) if re.match(r"^\s*- `[\w-]+` \(", line))


MAX_PARAMETERS = 3  # an error that names no parameter: the reference's line for each of the first three set

# In every request body or error body ("model", "messages"; "code", "message"): no sign of which parameter is wrong
NO_SIGN = ("model", "messages", "code", "message", "type", "role", "content", "id", "error")


def parameters_set(corpus_dir: Path | None, text: str) -> tuple[str, ...]:
    """The request parameters a message sets ("temperature=1.3", `"stop": [...]`, "top_p 参数"), as the API reference
    names them; a plain English word ("stop", "model") counts only when written as a setting, a snake_case name
    (`max_tokens`) wherever it stands."""
    page = Path(corpus_dir) / "api-reference-chat-completion.md" if corpus_dir else None
    if page is None or not page.is_file():
        return ()
    names = dict.fromkeys(re.match(r"^\s*- `([\w-]+)`", ln).group(1) for ln in _parameter_lines(str(page)))
    found = []
    for name in names:
        setting = rf"[\"'`]?{re.escape(name)}[\"'`]?\s*[:=]|(?<![\w-]){re.escape(name)}\s*(parameter|param|参数)"
        if re.search(setting, text, re.I) or "_" in name and re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text):
            found.append(name)
    return tuple(found)


VISION_SECTION = "## Request body (application/json) — Vision Model"  # the reference's own section for the vision models
VISION_MODEL_NAMED = re.compile(r"glm-?4\.\dv", re.I)


def parameter_block(corpus_dir: Path | None, name: str, vision: bool = False) -> list[str]:
    """The API reference's line for a request parameter ("`user_id` (string): Unique ID for the end user, 6–128
    characters...", without the list dash) and, for an object (`thinking`), its first two fields; from the vision
    models' section when the message calls one (its defaults and ranges are its own), else its first occurrence."""
    page = Path(corpus_dir) / "api-reference-chat-completion.md" if corpus_dir else None
    if not name or page is None or not page.is_file():
        return []
    raw = _reference_lines(str(page))
    starts = ([next((i for i, ln in enumerate(raw) if ln.startswith(VISION_SECTION)), 0)] if vision else []) + [0]
    at = next((i for start in starts for i, ln in enumerate(raw) if i >= start and re.match(
        rf"^\s*- `{re.escape(name)}` \(", ln)), None)
    if at is None:
        return []
    block = [raw[at].strip()[2:]]
    if "(object)" in raw[at]:
        depth = len(raw[at]) - len(raw[at].lstrip())
        for ln in raw[at + 1:]:
            indent = len(ln) - len(ln.lstrip())
            if not ln.strip() or indent <= depth or len(block) > 2:
                break
            if re.match(r"^\s*- `[\w-]+` \(", ln) and indent == depth + 2:
                block.append(ln.strip()[2:])
    return block


# Asked about a request parameter of the general API: its range, default, limit, or how to turn it off
API_CONTEXT = re.compile(r"\bgeneral (api|endpoint)\b|paas/v4|\b(api|sdk|openai|request body|curl|python|payload)\b|"
                         r"\bfunction[ _-]?call\w*|\btool_calls?\b|\b\d+ ?(个 ?)?functions?\b|参数错误|"
                         r"通用\s*(api|接口|端点)|请求体", re.I)
OWN_API = re.compile(r"\bgeneral (api|endpoint)\b|paas/v4|\b(sdk|openai|request body|curl|python|payload|requests?\.post)\b|"
                     r"通用\s*(api|接口|端点)|请求体", re.I)
PARAMETER_ASK = re.compile(r"\b(range|max(imum)?|limit|default|allowed|valid|supports?|supported|how many|turn (it )?off|"
                           r"(turn|switch) (the )?(thinking|reasoning)( output| mode)? off|switch (it )?off|disable|enable|per request|how (do|can|should) (i|we) (turn|switch|disable|enable))\b|范围|最多|上限|默认|支持|几个|多少|怎么(关|开|设|传|加|打开)|关掉|关闭|打开|开启|加在哪", re.I)
PROSE_PARAMETERS = ((re.compile(r"\btemperature\b|温度", re.I), "temperature"),
                    # "tools 最多支持多少个？", "how many functions can I pass?"
                    (re.compile(r"(?=.*\b(functions?|function call\w*)\b|.*函数)(.*\bhow many (tools|functions)\b|.*\b(tools|"
                                r"functions)\b.{0,20}\b(max|maximum|limit|at most)\b|.*(tools|functions?|函数).{0,12}(最多|上限|几个|"
                                r"多少个))", re.I | re.S), "tools"))
# thinking named in the message ("a big reasoning_content blob", "能关掉 thinking 吗") and turning it off or on asked
THINKING_NAMED = re.compile(r"\b(thinking|reasoning_content|reasoning)\b|思考|推理", re.I)
TURN_OFF_ON = re.compile(r"\b(turn|switch|shut) (it |this |that |(the )?(thinking|reasoning)( mode)? )?(off|on)\b|\bdisabl\w*|\benabl\w*|关掉|关闭|打开|开启|不要.{0,4}思考",
                         re.I)
PRESERVED = re.compile(r"\bpreserv\w*|\bretain\w*|\bprevious (turns?|rounds?)\b|\bacross turns\b|保留.{0,6}(思考|推理)|上一轮|之前(的)?轮次|"
                       r"(思考|推理).{0,6}保留", re.I)
MAX_PARAMETERS_ASKED = 2


def preserved_asked(msg: Message) -> bool:
    """Keeping earlier turns' reasoning asked about: thinking named, its preservation named, in a question."""
    asked = " ".join(msg.questions)
    return bool(asked) and bool(THINKING_NAMED.search(msg.ask)) and bool(PRESERVED.search(msg.ask)) and bool(
        THINKING_NAMED.search(asked) or PRESERVED.search(asked) or re.search(r"clear_thinking|\bdefault|默认", asked, re.I))


@lru_cache(maxsize=8)
def _request_parameters(path: str) -> frozenset[str]:
    """The parameters of the request bodies (the page's sections before its responses)."""
    text = "\n".join(_reference_lines(path)).split("\n## Response", 1)[0]
    return frozenset(m.group(1) for m in re.finditer(r"^\s*- `([\w-]+)` \(", text, re.M))


def parameters_asked(msg: Message, corpus_dir: Path | None) -> list[str]:
    """The request parameters a question about the API asks about, those its question sentences name first:
    "stop 到底支持几个？", "what's the valid temperature range?", "能关掉 thinking 吗？参数加在哪"."""
    questions = " ".join(msg.questions) or msg.ask
    if not msg.questions or not API_CONTEXT.search(msg.ask) or not PARAMETER_ASK.search(questions):
        return []
    if msg.tools and not OWN_API.search(msg.ask):
        return []  # "in Claude Code, how do I turn off thinking?": the tool's setting, not a request parameter
    page = Path(corpus_dir) / "api-reference-chat-completion.md" if corpus_dir else None
    if page is None or not page.is_file():
        return []
    request = _request_parameters(str(page))
    names = [n for n in parameters_set(corpus_dir, msg.raw) if n not in NO_SIGN and n in request]
    names += [name for pattern, name in PROSE_PARAMETERS if pattern.search(msg.ask) and name not in names]
    if THINKING_NAMED.search(msg.ask) and TURN_OFF_ON.search(questions) and "thinking" not in names and not \
            PRESERVED.search(msg.ask):  # (keeping earlier turns' reasoning is the thinking guide's clear_thinking)
        names.insert(0, "thinking")
    asked = [n for n in names if re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", questions, re.I)]
    return (asked or names)[:MAX_PARAMETERS_ASKED]


def api_parameters(d: Diagnosis, names: list[str], corpus_dir: Path | None, vision: bool = False) -> None:
    blocks = [parameter_block(corpus_dir, name, vision) for name in names]
    lines = [line for block in blocks for line in block]
    if not lines:
        return
    d.fact("api.parameters")
    d.say("api", "The API reference (Chat Completion) on what you ask about:\n" + "\n".join(f"• {ln}" for ln in lines),
          "API 参考文档（Chat Completion）对你问的参数的说明（原文）：\n" + "\n".join(f"• {ln}" for ln in lines))


MODEL_MISSING = re.compile(r"unknown model|model (is )?not (found|available|supported)|model does not exist|"
                           r"not (a )?valid (value|model)|(is|was) not found|模型不存在|不支持(该|此)?模型", re.I)
VISION_MODEL = re.compile(r"glm-?4\.[56]v", re.I)


# Setting a model's parameters is not setting the tool up for the plan: the tool pages give provider, URL and key only.
MODEL_PARAMS = re.compile(r"\b(temperature|top[_ ]?p|context (size|length|window)|reasoning (budget|effort|level)|"
                          r"thinking (budget|level|mode)|output format|max[_ ]tokens)\b|温度|推理预算|上下文大小|输出格式|参数", re.I)
WEAK = {"setup", "http", "protocol"}  # kinds of line that explain no failure on their own
RATE_LIMITED = re.compile(r"\brate[\s-]?limit(ed|ing)\b|\bthrottl\w*|too many requests|\bconcurren\w*|限流|限速|并发", re.I)
# Over the context window, as errors and subscribers say it; "what is the context window of GLM-4.6?" is a question.
CONTEXT_OVER = re.compile(r"exceed\w* (the )?(model'?s? )?(maximum )?context|context (length|window|limit) (is )?(exceeded|"
                          r"reached|overflow\w*)|input tokens exceed|prompt is too long|(prompt|input|request|message)s? (exceeds?|is over|over) (the )?max(imum)? (length|tokens|context)|maximum context length|上下文(长度|窗口)?(超|溢出|已满|满了)|"
                          r"超(出|过).{0,8}上下文", re.I)


def context_over(d: Diagnosis, msg: Message) -> None:
    """A request over the model's context window: the window the models overview gives for the model in use."""
    named = [m.replace("glm4", "glm-4").lower() for m in msg.models]
    model = next((m for m in named if f"context.{m}" in d.facts.by_id), "glm-4.7")
    window = d.fact(f"context.{model}")
    name = model.upper().replace("-AIR", "-Air")
    d.say("context", f"{name}'s context window is {window} tokens (models overview), and a request over it "
                     "fails: the conversation, files and tool (MCP) output together must fit, so start a new session or "
                     "send less to get under it.",
          f"{name} 的上下文窗口是 {window} tokens（模型概览），超过它的请求会失败：对话、文件和工具（MCP）输出加起来必须放得下，"
          "所以请开一个新会话，或者少发一些内容。")


PLUGIN_FAILURE = re.compile(r"\bclaude plugin (install|marketplace)\b|glm-plan-usage|zai-coding-plugins|usage[\s-]query plugin|"
                            r"用量(查询)?插件", re.I)


def plugin_install(d: Diagnosis) -> None:
    """The usage plugin's page: Method A adds the marketplace, then installs (it needs Git); Method B is the helper."""
    marketplace, install = d.fact("usage.plugin.marketplace"), d.fact("usage.plugin.install")
    d.fact("usage.plugin.git")
    path = d.fact("usage.plugin.helper").replace("`", "")
    helper = d.fact("tool.helper.command")
    d.say("setup", f"The usage plugin's page, Method A (\"Prerequisite: Git environment is set up\"): first `{marketplace}`, "
                   f"then `{install}`. Method B, the automated tool: run `{helper}` and choose {path}.",
          f"用量插件页面的方法 A（前提：已安装 Git 环境）：先运行 `{marketplace}`，再运行 `{install}`。方法 B（自动化工具）：运行 "
          f"`{helper}`，依次选择 {path}。")
    d.handoff = True


# a key changed or saved anew, and Claude Code still on the old one (a token count is no key)
KEY_CHANGED = re.compile(r"\b(changed|rotated|regenerated|updated|replaced|reset|saved|set|entered|switched to|created|"
                         r"generated|made)\b( (my|the|a))?( (new|fresh))?( api)? key\b|\b(new|fresh) (api )?key\b|"
                         r"\bkey\b.{0,20}\b(changed|rotated|regenerated|updated|replaced)\b|"
                         r"换了.{0,6}(key|密钥)|(key|密钥).{0,6}(换了|更新了?|改了)|旧的?\s*(key|密钥)", re.I)
STILL_OLD = re.compile(r"\b(still|old (one|key)|keeps?|again|401|1002|invalid|not (picked|used|updated))\b|还是|仍然|旧", re.I)


# An error that says the account has no plan at all ("z.ai API error: 当前用户不存在coding plan")
NO_PLAN_ERROR = re.compile(r"(当前)?用户(不存在|没有|未订阅|未开通)\s*(coding\s*plan|套餐|编码套餐)|\b(user|account) (does not|doesn'?t|has "
                           r"no|have no) (have )?(an? )?(active |valid )?(glm )?coding ?plan\b|\bno (active |valid )?(glm )?coding "
                           r"?plan (found|subscription|for (this|the) (user|account))", re.I)


def no_plan_error(d: Diagnosis) -> None:
    """The account behind the key has no plan: the quota is the subscription's; the key alone is the general API."""
    d.fact("diag.1113_plan")
    general = d.fact("endpoint.general").rsplit("/chat", 1)[0]
    d.fact("api.billed_separately")
    d.lead("diagnosis", "The error says the account has no GLM Coding Plan: the plan's quota (and its usage figures) "
                        "belong to a subscribed account. Without a plan, an API key calls the general API "
                        f"({general}), and \"API calls are billed separately and do not use the Coding Plan quota\" (FAQ). "
                        "If you did subscribe, check that the key was created under the subscribed account.",
           "这个错误说的是该账户没有 GLM Coding Plan 套餐：套餐额度（和它的用量数据）属于订阅了套餐的账户。没有套餐时，"
           f"API Key 调用的是通用 API（{general}），按量单独计费，不使用 Coding Plan 额度（FAQ）。如果你确实订阅了，请确认这个 "
           "Key 是在订阅套餐的账户下创建的。")


# An error reported only as a picture: "GLM-5.1模型运行报错 [截图] 用的智谱codingplan"
IMAGE_ONLY = re.compile(r"\[(screenshots?|截图|images?|图片|pic)\]", re.I)  # (the analysis writes pasted image tags "[image]")
ERROR_TOLD = re.compile(r"\berrors?\b|\bfail\w*|报错|错误|出错|失败|不能用|用不了|无法使用", re.I)


def error_unseen(d: Diagnosis) -> None:
    """The error's words never reached the desk: ask for them, with what the plan's own codes mean."""
    arrears, limit, expired = (d.fact(f"error.{code}") for code in ("1113", "1308", "1309"))
    d.fact("diag.1113_plan")
    limit = limit.split(".")[0]
    expired = expired.split(". ")[0]
    d.say("error", "Your message shows no error text or code (a screenshot does not reach me): paste the error's code and "
                   "message and the API error code page says what it means. The codes a plan subscriber meets most: 1113 "
                   f"(\"{arrears}\"; with a plan, the FAQ says it may be due to not meeting the plan's usage conditions), "
                   f"1308 (\"{limit}\") and 1309 (\"{expired}\").",
          "你的消息里没有错误文字或错误码（截图我看不到）：请把报错的错误码和错误信息贴出来，API 错误码页面会说明它的含义。套餐用户最常见的是："
          f"1113（“{arrears}”；FAQ 说有套餐时可能是不满足套餐的使用条件）、1308（“{limit}”）和 1309（“{expired}”）。")


def diagnose(msg: Message, facts: Facts, corpus_dir: Path | None = None) -> Diagnosis | None:
    """The diagnosis for a troubleshooting or tool-setup message, or None when it is not one. A failure that came
    with a new version of their tool is first said to be outside the docs."""
    d = _diagnose(msg, facts, corpus_dir)
    if d is None and IMAGE_ONLY.search(msg.raw) and ERROR_TOLD.search(msg.ask) and not (msg.errors or msg.http_codes) \
            and not msg.questions and (msg.subscriber or msg.names_zai or msg.models):
        d = Diagnosis(facts, zh=writes_chinese(msg))  # a failure told, its error only in a picture: ask for its words
        error_unseen(d)
        d.handoff = True
    if NO_PLAN_ERROR.search(msg.raw):
        if d is None:
            d = Diagnosis(facts, zh=writes_chinese(msg))
        no_plan_error(d)
        d.handoff = True
    if "claude-code" in msg.tools and CODING_HELPER.search(msg.raw) and KEY_CHANGED.search(msg.ask) and STILL_OLD.search(msg.ask):
        if d is None:
            d = Diagnosis(facts, zh=writes_chinese(msg))
            d.handoff = True
        # a new key saved in the Coding Tool Helper reaches Claude Code when the helper loads it there
        command = d.fact("tool.helper.auth_reload")
        d.lead("setup", f"The Coding Tool Helper page: `{command}` \"Load[s] the latest plan into Claude Code\": run it "
                        "after saving a new key in the helper.",
               f"Coding Tool Helper 页面：`{command}` 的作用是“Load the latest plan into Claude Code”（把最新的套餐配置加载到 "
               "Claude Code）：在 helper 里保存新 key 之后运行它。")
    # (the key set in one command, asked in a sentence naming the helper, is the coding_helper rule's own answer)
    asked_commands = helper_commands_for(msg, corpus_dir) if not (d is not None and "error" in d.kinds) and not \
        sets_key_directly(" ".join(msg.questions).lower()) else []
    if asked_commands:  # what the question asks the helper to do: its page's command for it
        if d is None:
            d = Diagnosis(facts, zh=writes_chinese(msg))
        d.fact("tool.helper.command")
        listed = "; ".join(f"`{command}` ({comment})" for command, comment in asked_commands)
        d.lead("setup", f"{HELPER_LIST[0]} {listed}.", f"{HELPER_LIST[1]}{listed}。")
    helper = helper_symptom(msg, corpus_dir)
    if helper:  # the Coding Tool Helper page's own troubleshooting section for what they report
        if d is None:
            d = Diagnosis(facts, zh=writes_chinese(msg))
            d.handoff = True
        doctor = d.fact("tool.helper.doctor")
        d.lead("setup", f"The Coding Tool Helper page's troubleshooting for this (it says to run `{doctor}` first for a "
                        f"health check):\n{helper}",
               f"Coding Tool Helper 页面对这个问题的排查说明（页面建议先运行 `{doctor}` 做健康检查；原文）：\n{helper}")
    if d is not None and msg.china_platform and "scope" not in d.kinds and not any("open.bigmodel.cn" in x for x in d.lines):
        d.lead("scope", CHINA_LEAD["en"], CHINA_LEAD["zh"])
        d.handoff = True
    if d is not None and msg.regression and "scope" not in d.kinds:
        tool = next((t for t in msg.tools + msg.other_tools), None)
        d.lead("scope", f"The docs don't cover changes between versions of {_tool_name(tool) if tool else 'your tool'}; "
                        "what they say about this:",
               f"文档不涉及{f' {_tool_name(tool)} ' if tool else '你所用工具'}不同版本之间的变化；文档中与此相关的内容：")
        d.handoff = True
    return d


# The Coding Tool Helper page's troubleshooting sections, by what a message reports
HELPER_SYMPTOMS = (  # each: what they report, the context it must come in, the section
    (r"\beacces\b|permission denied|权限(不足|被拒|错误)", r"\bnpm (i|install)\b|\binstall\w*|安装", r"^Insufficient permissions"),
    (r"\bnot installed\b|未安装|显示.{0,6}没(有)?安装", r"\bplugins?\b|marketplace|插件", r"^Incorrect plugin status"),
    (r"\bnetwork error\b|网络错误", r".", r"^Network error"),
)
USAGE_PLUGIN = re.compile(r"glm-plan-usage|usage[\s-]query plugin|plugin marketplace|插件市场", re.I)


@lru_cache(maxsize=4)
def _helper_commands(path: str) -> tuple[tuple[str, str], ...]:
    """The Coding Tool Helper page's command list: each command with what its comment says it does."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError:
        return ()
    return tuple((m.group(1).strip(), m.group(2).strip()) for m in
                 re.finditer(r"^\s*(coding-helper\b[^#\n]*?)\s{2,}#\s*(.+?)\s*$", text, re.M))


HELPER_LIST = ("The Coding Tool Helper page's command list:", "Coding Tool Helper 页面的命令列表（原文注释）：")
HELPER_ASK = re.compile(r"\b(is there|are there|how (do|can|should|would) (i|we|you)|what('s| is) the command|which command|any "
                        r"(way|command)|a way to)\b|有没有|怎么|如何|命令", re.I)
# Chinese words of a helper task, in the page's English
HELPER_WORDS_ZH = {"删": "remove", "清除": "remove", "清掉": "remove", "存": "stored", "检查": "check", "诊断": "check",
                   "状态": "status", "版本": "version", "语言": "language", "英文": "english", "加载": "load", "直接": "directly"}
_HELPER_STOP = frozenset("the and for you can how use get not are was has any all our its but who why one own too did may let now "
                         "new out see way yes off per via into with this that your from have what which when there then just "
                         "also command commands helper coding".split())


def _task_stems(text: str) -> set[str]:
    words = {w for w in re.findall(r"[a-z]{3,}", text.lower()) if w not in _HELPER_STOP}
    words |= {en for zh, en in HELPER_WORDS_ZH.items() if zh in text}
    return {re.sub(r"(?<=[a-z]{3})(ation|ing|ed|es|s)$", "", w) for w in words}


# A command's verb and the words a question uses for it: "Remove the stored key" answers "delete", never "check which key"
HELPER_VERBS = {"remove": r"remov|delet|clear|revok|wipe|删|清", "check": r"check|diagnos|health|verify|检查|诊断",
                "show": r"\bshow|\bsee\b|display|view|which version|查看|显示", "display": r"show|\bsee\b|display|view|查看|显示",
                "view": r"show|\bsee\b|display|view|help|查看", "switch": r"switch|change|set|切换|改成|换成",
                "load": r"load|push|apply|sync|加载|同步", "select": r"select|choos|set|pick|use|选|设置",
                "configure": r"configur|set ?up|配置"}


def _does_what_asked(comment: str, question: str) -> bool:
    verb = comment.split()[0].lower() if comment.split() else ""
    return verb not in HELPER_VERBS or bool(re.search(HELPER_VERBS[verb], question, re.I))


def helper_commands_for(msg: Message, corpus_dir: Path | None) -> list[tuple[str, str]]:
    """The Coding Tool Helper's commands for what a question about it asks to do ("is there a built-in way to check
    the system config / tool status?" is `coding-helper doctor`; "有没有命令能直接删掉存的 key" is `auth revoke`): the
    commands whose comment shares at least two words with one question sentence, best first, at most two."""
    if corpus_dir is None or not CODING_HELPER.search(msg.raw) or not msg.questions:
        return []
    commands = _helper_commands(str(Path(corpus_dir) / "devpack-extension-coding-tool-helper.md"))
    found: list[tuple[int, tuple[str, str]]] = []
    sentences = [part.strip() for part in re.split(r"(?<=[.!?。！？\n])\s*", msg.ask) if part.strip()]
    for question in msg.questions:
        if not HELPER_ASK.search(question):
            continue
        at = next((i for i, sentence in enumerate(sentences) if question in sentence or sentence in question), None)
        context = question + (f" {sentences[at - 1]}" if at else "")
        if not (CODING_HELPER.search(context) or re.search(r"\bhelper\b|chelper", context, re.I)):
            continue  # (about the helper, in the question or the sentence before it, not about Claude Code or Cline)
        if any(re.search(rf"(?<![\w-]){re.escape(alias)}(?![\w-])", question, re.I) for tool, (aliases, _) in TOOLS.items()
               if tool not in ("claude-code", "claude-code-ide") for alias in aliases):
            continue  # ("how do I configure the key for Cline manually?": Cline's own settings)
        asked = _task_stems(re.sub(r"`[^`]*`", " ", question))  # (a command quoted is what they saw, not the task)
        # (a command for Claude Code answers no question about another tool: "can it load the plan into droid?")
        # (nor one the message already quotes: "I see `auth reload claude` in the help, is there an equivalent?")
        scored = sorted(((len(asked & _task_stems(comment)), (command, comment)) for command, comment in commands
                         if ("claude" not in comment.lower() or "claude" in question.lower())
                         and command.replace("coding-helper ", "") not in msg.raw and _does_what_asked(comment, question)),
                        key=lambda pair: -pair[0])
        found += [(score, pair) for score, pair in scored[:2] if score >= 2]
    best = sorted(dict((pair, score) for score, pair in found).items(), key=lambda kv: -kv[1])
    return [pair for n, (pair, score) in enumerate(best[:2]) if n == 0 or score >= 3]  # (a second on three words)


def helper_symptom(msg: Message, corpus_dir: Path | None) -> str | None:
    """A failure with the Coding Tool Helper (or the plugin it installs) that its page troubleshoots: that section."""
    # (Claude Code's own plugin marketplace, or its /plugin command, is where the usage plugin is installed)
    if not (CODING_HELPER.search(msg.raw) or USAGE_PLUGIN.search(msg.raw) or "claude-code" in msg.tools and re.search(
            r"(?<![\w/])/plugins?\b", msg.raw, re.I)):
        return None
    for pattern, context, heading in HELPER_SYMPTOMS:
        if re.search(pattern, msg.raw, re.I) and re.search(context, msg.raw, re.I) and not re.search(
                r"\b(edit\w*|writ\w*|read\w*) (the )?(files?|folders?|repo\w*)\b", msg.raw, re.I):
            text = section(corpus_dir, "devpack-extension-coding-tool-helper", heading)
            if text:
                return text
    return None


# A message about Zhipu's China platform: the docs' word on Z.ai's, said to be Z.ai's (rules and diagnoses alike)
CHINA_LEAD = {"en": "The docs cover Z.ai's platform (api.z.ai), not Zhipu's China platform (open.bigmodel.cn), whose "
                    "endpoints, accounts and plans they don't describe; for Z.ai's they say:",
              "zh": "文档讲的是 Z.ai 平台（api.z.ai），不涉及智谱国内平台（open.bigmodel.cn）的接口地址、账户和套餐；关于 Z.ai，文档的说法是："}


def writes_chinese(msg: Message) -> bool:
    """The subscriber writes in Chinese; a Chinese error message pasted in an English sentence is not their words."""
    own = msg.ask
    for error in msg.errors:
        own = own.replace(error.said, " ") if error.said else own
    return msg.language == "zh" and is_chinese(own)


# A failure that may come from the base URL or protocol: the connection, the URL, the key or a status a wrong endpoint
# gives. "npm install fails with EACCES" or "my plan expired (1309)" says nothing about the endpoint.
CONFIG_FAILURE = re.compile(r"base ?url|endpoint|\bapi ?url\b|connect\w*|\b(401|404|405)\b|not found|unauthori[sz]ed|"
                            r"invalid (url|api|key|token)|api ?key|token|ENOTFOUND|ECONNREFUSED|ECONNRESET|protocol|provider|"
                            r"doesn'?t (work|respond)|not (work|respond)\w*|no (response|reply)|can'?t (use|get it)|"
                            r"地址|端点|连接|连不上|不能用|用不了|无法使用|没反应|没有反应|密钥|协议", re.I)


def _config_failure(msg: Message, known: set[str]) -> bool:
    """The failure could be the endpoint's: none of the codes the docs list explains it, and the message speaks of a
    connection, a URL, a key or a tool that does not work at all (not of an install step or a quota)."""
    return not known and bool(CONFIG_FAILURE.search(msg.ask) or CONFIG_FAILURE.search(msg.pasted or ""))


def _diagnose(msg: Message, facts: Facts, corpus_dir: Path | None = None) -> Diagnosis | None:
    if msg.other_vendor:
        return None  # another company's plan: nothing in these docs diagnoses it
    d = Diagnosis(facts, zh=writes_chinese(msg))
    subject_tools = [t for t in msg.tools if t not in msg.compared_tools]  # "works in Cursor but not in Zed": Zed's
    tool = next((t for t in subject_tools if t in PLAN_TOOLS), None) or (subject_tools[0] if subject_tools else None)
    # a router in front of Claude Code: no page of its own, like any unlisted tool
    router = tool == "claude-code-router" or subject_tools[:1] == ["claude-code-router"]
    if router:
        tool = None
    asked_tools = " ".join(msg.questions).lower()
    unlisted = re.search(r"\b(in|with|on|into|for)\s+(?!(it|this|that|the|my|a|an|your|our)\b)([A-Z][\w.-]*(\s[A-Z][\w.-]*)?)",
                         " ".join(msg.questions)) if msg.questions and not msg.mcp else None
    if unlisted and (any(a in asked_tools for t in msg.tools for a in TOOLS[t][0]) or len(unlisted.group(3)) < 4
                     or unlisted.group(3).lower() in ("china", "chinese", "cn", "version", "windows", "mac", "linux")
                     or PLACES_AND_PLATFORMS.fullmatch(unlisted.group(3))
                     or re.search(r"glm|z\.?ai|zhipu|coding plan|claude|anthropic|openai|api", unlisted.group(3), re.I)):
        unlisted = None
    if tool and unlisted:
        tool = None  # the question names a tool the docs don't: another tool mentioned in passing is not the one asked
    # The tool asked about, when the docs have no page for it: "Is Zed supported?", "in RepoPrompt", "with LiteLLM".
    unlisted_name = unlisted.group(3) if unlisted else (None if tool else ("claude-code-router" if router else
                                                                           _unlisted_tool(msg)))
    support_ask = bool(SUPPORT_ASK.search(" ".join(msg.questions))) if msg.questions else False
    known = {c for c in msg.business_codes if f"error.{c}" in facts.by_id}
    # A server-side status the error page does not list (502, 503, 529 "Overloaded"): unlisted, with the page's 500
    server_status = [code for m in SERVER_STATUS.finditer(msg.raw) for code in m.groups()
                     if code and code != "500" and not any(e.code == code for e in msg.errors)][:1]
    # (a count after the word is no code: "系统提示词大概 5000 tokens")
    unknown_codes = [*dict.fromkeys(m.group(1) for m in re.finditer(r"(?:error|code|错误码?|报错|提示|返回)\D{0,12}(?<!\d)([1-9]\d{3})(?!\d)"
                                                     r"(?!\s*(tokens?|次|个|条|行|字|元|美元|刀|ms\b|k\b|prompts?|requests?|calls?))", msg.raw,
                                                     re.I)
                     if f"error.{m.group(1)}" not in facts.by_id and not re.match(r"20\d\d$", m.group(1)))]
    # an HTTP 4xx status the error page's table does not have ("405 Method Not Allowed"): said to be unlisted
    listed_http = {e.code for e in msg.errors if e.kind == "http"} | set(EXPLAINED_HTTP) | {"400", "404", "434", "435"}
    # only as a status ("status 405", "HTTP 403", "error: 405", "405 Method Not Allowed"), never a count ("450 prompts")
    unknown_codes += [c for c in dict.fromkeys(
        m.group(1) or m.group(2) for m in re.finditer(
            r"(?:\bstatus(?: code)?|\bhttp(?:/\d(?:\.\d)?)?|\berror|返回|报错|提示)\s*[:=]?\s*(4\d\d)\b(?!\s*(?:prompts?|requests?|calls?|"
            r"times|tokens?|次|个|元|美元|块|usd|dollars?|rmb|cny|%))(?<![$¥￥]\d\d\d)|\b(4\d\d) (?:method not allowed|forbidden|conflict|gone|payload too large|not acceptable|"
            r"request timeout|too early|unprocessable)", msg.raw, re.I)) if c not in listed_http][:1]
    # Setting up an MCP server inside a tool is the MCP page's question, not the tool's provider settings.
    setup_ask = bool(SETUP_ASK.search(msg.ask)) and not msg.mcp and not MODEL_PARAMS.search(msg.ask) and not re.search(
        rf"\b(in|with|on|through|via|from)\s+(a |the |my )?{PLACES_AND_PLATFORMS.pattern}\b", msg.ask, re.I)  # "use it in Japan"
    # the setup asked in a question of its own ("Where does crush.json live, and what do I put in it?"), not only told
    setup_questioned = setup_ask and any(SETUP_ASK.search(q) for q in msg.questions)
    unlisted_config = msg.failing and msg.has_paste and router  # the router's pasted config that fails: the same answer
    # "Trying to use aider with GLM 4.7 but I get this error": a tool the docs don't name, failing, no listed tool
    # beside it (a topic with its own page, "thinking won't turn on in codex", is that page's question)
    unlisted_failing = msg.failing and not (tool or msg.errors or msg.topics) and bool(msg.other_tools) and \
        _config_failure(msg, known)
    if unlisted_name and unlisted and not setup_ask:
        unlisted_name = _unlisted_tool(msg)  # "does it work in Brazil?" names no tool; only a known or CamelCase one
    rate_limited = bool(RATE_LIMITED.search(msg.ask)) and not known
    # A Lite subscriber calling GLM-5 on the general API takes the FAQ's own path ("call it through the General API
    # endpoint"): no plan endpoint is missing
    lite_glm5 = "lite" in msg.plans and "glm-5" in msg.models
    general_shown = any(e in GENERAL_KINDS for e in msg.endpoints) and not lite_glm5
    balance = "1113" in known or bool(re.search(r"insufficient balance|余额不足|(?<!会)扣(?!.{0,20}余额[^。，,\n]{0,4}[吗？?]).{0,20}余额|按量(扣费|计费|付费)|"
                                                  r"(still|being|was|got|get|getting|gets) (charged|billed) (as )?(pay[- ]as[- ]you[- ]go|per "
                                                  r"token|from (my )?(account |cash )?balance)|deduct\w* (from )?(my )?"
                                                  r"(account )?balance|balance (is )?(being )?(deducted|charged|used)|"
                                                  # "my account balance went from $15.00 to $11.37", "余额从 $15 掉到 $3"
                                                  r"\bbalance (went|dropped|fell|goes|is going) down\b|\bbalance\b[^.?!\n]{0,30}"
                                                  r"\b(dropp\w*|decreas\w*|went down|shrinking)\b|余额(从|一直|在)?[^。？！\n]{0,12}"
                                                  r"(掉到|掉了|少了|减少|变少|下降)",
                                                  msg.raw, re.I))
    balance = balance or bool(BALANCE_TOLD.search(msg.told)) and not (msg.off_plan_use or msg.pays_per_use) and bool(
        msg.subscriber or msg.plans or tool)  # (their own script's pay-as-you-go balance going down is what they chose)
    model_missing = bool(msg.models and MODEL_MISSING.search(msg.raw)) or "1211" in known
    # a request timing out, not the API_TIMEOUT_MS line of a pasted settings.json
    claude_timeout = tool in ("claude-code", "claude-code-ide") and msg.failing and bool(
        re.search(r"(?<![\w])(timed out|times out|time ?out)(?![\w])|超时", msg.raw, re.I)) and not msg.mcp
    # the variable named by a question ("API_TIMEOUT_MS 要不要加，加多少？"), not told in a story or a paste: the FAQ's value,
    # and what the docs leave open about it (a maximum, the server's own limit) is support's to say
    timeout_asked = any(re.search(r"\bAPI_TIMEOUT_MS\b", q) and TIMEOUT_VALUE_ASK.search(q) for q in msg.questions)
    claude_timeout = claude_timeout or timeout_asked
    # a settings.json change that did not take effect ("改完配置要怎么才能生效？", "still goes to the old endpoint") is the
    # page's restart step, whether or not an error was shown
    not_applied = bool(NOT_APPLIED.search(msg.ask))
    claude_fix = tool in ("claude-code", "claude-code-ide") and (
        bool(re.search(r"settings?\.json", msg.raw)) and (msg.failing or not_applied)
        or bool(re.search(r"ANTHROPIC_(BASE_URL|AUTH_TOKEN)", msg.raw)) and not_applied)
    # "I set ANTHROPIC_BASE_URL but Claude Code still asks me to log in": the key prompt, whatever else they set
    claude_fix = claude_fix or tool in ("claude-code", "claude-code-ide") and not msg.enforcement and bool(
        # (a shared or restricted account's login is the Z.ai account's, not Claude Code's prompt)
        re.search(r"log ?in|sign ?in|log ?out|sign ?out|登录|登陆|退出登录", msg.ask, re.I)) and bool(
        # (or a way past the login asked: "使用Claudecode必须登录。这有方法跳过吗")
        re.search(r"settings?\.json|ANTHROPIC_(BASE_URL|AUTH_TOKEN|API_KEY)|api ?key|z\.?ai|glm|\b(skip|bypass|avoid)\w*|跳过|"
                  r"绕过|免登录|不登录", msg.raw, re.I))
    if msg.feature_request and (msg.subscriber or msg.names_zai) and not (known or msg.http_codes or msg.failing
                                                                         or set(msg.topics) - MCP_PAGES):
        only = tool if tool in TOOL_SETUP and len(msg.tools) == 1 and not msg.other_tools else None
        return feature_request(d, msg, (requested_tool(msg) or only) if tool else None)
    # (a cost told in the story beside a setup question is the setup's to answer: "the billing page shows $0.42 spent
    # ... where does crush.json live and what do I put in it?")
    cost_asked = COST_DISPLAY.search(msg.ask) and not (setup_questioned and not any(
        COST_DISPLAY.search(q) or CHARGE_ASKED.search(q) for q in msg.questions))
    if cost_asked and tool and not (known or msg.http_codes or msg.mcp or balance
                                    or msg.account_matter or msg.usage_query):
        cost_display(d)  # a tool's cost figure for the plan's calls: the plan's quota is what they use
        d.handoff = True  # their charges are for support to confirm
        if setup_questioned and tool in TOOLS and tool != "claude-code-router":
            tool_setup(d, tool)  # ("...shows a cost of $1.10. How do I configure it to use my plan?": both asked)
        return d
    if msg.quota_drain and not (known or msg.http_codes or msg.mcp or msg.usage_query):
        quota_drain(d, msg)
        return d
    # the codes named only as ones not received ("no code like 1234 or 500"); any other code shown still counts
    denied = {code for m in CODES_DENIED.finditer(msg.ask) for code in re.findall(r"\b\d{3,4}\b", msg.ask[m.end():m.end() + 30])}
    shown = (set(known) | set(msg.http_codes)) - denied
    reason = FINISH_REASON.search(msg.raw)
    if reason and not (shown or msg.mcp or balance) and ENDED_ASK.search(msg.ask) and not (
            reason.group(1).lower() == "length" and any(VISION_MODEL.search(m) for m in msg.models)):  # the reason the response gives for ending, pasted: what the docs say of it
        finish_reason_shown(d, reason.group(1).lower())
        return d
    if STOPPED_MIDWAY.search(msg.ask) and NO_ERROR.search(msg.ask) and not (
            shown or msg.mcp or CONTEXT_OVER.search(msg.raw)):
        stopped_midway(d)  # an answer that ends partway with no error: where the reason is
        return d
    if PLUGIN_FAILURE.search(msg.raw) and msg.failing and not (known or msg.http_codes):
        plugin_install(d)  # the usage plugin's install failed: its page's two methods, not usage or the tool's setup
        return d
    if msg.usage_query and msg.failing and not (known or msg.http_codes or msg.mcp):
        usage_check(d)
        d.handoff = True
        return d
    if msg.mcp and msg.direct_call and set(msg.mcp) & {"web-search", "web-reader", "vision"}:
        mcp_outside(d, msg, "1113" in known or balance)
        return d
    if msg.mcp and not model_missing:  # an MCP server's setup: its page's values; anything else is retrieval's
        if known:
            _error_meaning(d, msg, corpus_dir)  # "vision fails with 1210": what the code means comes first
        if "1113" in known or balance:  # "do the MCP tools need a separate top-up?": they come with every plan
            d.fact("mcp.all_plans")
            d.fact("mcp.no_other_access")
            counts = mcp_counts(d)
            d.say("mcp", "All plans include the Vision, Web Search and Web Reader MCP servers (web searches and reader "
                         f"calls a month: {'; '.join(counts)}), and the FAQ gives no other way to pay for them, so there "
                         "is nothing separate to top up: Z.ai support can check why your account got this error.",
                  "所有套餐都包含视觉理解、联网搜索和网页读取 MCP 服务（每月网络搜索和网页读取合计次数："
                  f"{'；'.join(counts)}），FAQ 也没有其他付费方式，所以不需要另外充值：账户为什么出现这个错误，请 Z.ai 客服查看。")
            d.handoff = True
            return d
        bare = re.search(r"Authorization[\"']?\s*:\s*[\"']?(?!Bearer\b)[\w.<]", msg.raw, re.I)  # a header, or JSON
        if bare and set(msg.mcp) & set(REMOTE_MCP):  # the header without "Bearer ": the page's format has it
            d.say("mcp", "Your Authorization header has no \"Bearer \": the MCP pages set it as \"Authorization: Bearer "
                         "<your Z.ai API key>\".",
                  "你的 Authorization 请求头缺少“Bearer ”：MCP 页面的写法是“Authorization: Bearer <你的 Z.ai API Key>”。")
        pasted_image = re.search(r"\b(past\w*|drag\w*|drop\w*|attach\w*)\b.{0,30}\b(images?|screenshots?|pictures?|png|jpe?g|"
                                 r"gif|webp)\b|\b(images?|screenshots?) (is )?in(to)? the (chat|task|conversation|prompt)\b|"
                                 r"(粘贴|拖).{0,8}(图片|截图)|(图片|截图|图)[^，。？?]{0,12}(粘贴|拖|贴进|贴到|丢进)|"
                                 r"\b(images?|screenshots?|截图|图片).{0,20}\b(ctrl|cmd)\s*\+\s*v\b", msg.ask, re.I)
        # Cline's image and context settings named ("Support Images 是勾着的"): its page's Other Configurations
        cline_settings = "cline" in msg.tools and re.search(r"support images|context window size", msg.raw, re.I)
        if "vision" in msg.mcp and (pasted_image or cline_settings) and "claude-code" not in msg.tools[:1]:
            if pasted_image:
                d.fact("mcp.vision_paste")  # an image pasted into another client never reaches the server
                d.say("mcp", "The Vision MCP page: \"Except in Claude Code, pasting an image directly into the client "
                             "cannot call this MCP Server\" (the client sends the image to the model itself); put the image "
                             "in a local folder and ask for it by its name or path.",
                      "Vision MCP 页面说：除了 Claude Code，直接把图片粘贴到客户端无法调用这个 MCP 服务（客户端会自己把图片转码后"
                      "直接调用模型接口）；请把图片放在本地目录中，并通过图片名或路径让它调用。")
            if "cline" in msg.tools:  # Cline's own page sets the provider up with its image checkbox off
                cline_other_configurations(d, kind="mcp")
        if "vision" in msg.mcp and re.search(r"forgot to replace|your_api_key|placeholder|already exists in (user|project|"
                                             r"local) config|忘了替换|忘记替换|已经存在", msg.raw, re.I):
            # added with the page's placeholder key: adding it again changes nothing until the old one is removed
            command = d.fact("mcp.vision_reinstall")
            d.say("mcp", "The Vision MCP page: \"If you forgot to replace the API Key, you need to uninstall the old MCP "
                         f"Server before re-executing the installation command\": `claude mcp list`, then `{command}`, "
                         "then the `claude mcp add` command again with your key.",
                  "Vision MCP 页面说：如果忘了替换 API Key，需要先卸载旧的 MCP 服务再重新执行安装命令：先 `claude mcp list`，再 "
                  f"`{command}`，然后用你的 Key 重新执行 `claude mcp add`。")
        # (a version of the server named, "@z_ai/mcp-server@0.0.9", "v0.0.9", or asked: "同步到哪个版本以上")
        if "vision" in msg.mcp and re.search(r"\b(old(er)? version|cached?|only (shows?|lists?|has)|missing tools?|tools? "
                                             r"(are )?missing|ui_to_artifact|image_analysis|latest|(which|what|minimum) "
                                             r"version)\b|mcp[- ]server[@\s]*v?\d+\.\d+|旧版|缓存|工具.{0,6}(少|缺)|(哪个|什么|最低)版本",
                                             msg.raw, re.I) and not re.search(  # (Node's version is another question)
                r"\bnode\b.{0,20}\bversion|version of node|node\s*(的)?(哪个|什么|最低)?版本", msg.raw, re.I):
            d.fact("mcp.vision_latest")
            least = d.fact("mcp.vision_min_version")
            d.say("mcp", "The Vision MCP page: existing users may still run a cached older version; clear the npx cache, "
                         f"or install `@z_ai/mcp-server@latest`. It asks for version {least} or later (\">= {least}\") for "
                         "the GLM-4.6V capability.",
                  "Vision MCP 页面说：老用户可能仍在用缓存的旧版本；请清除 npx 缓存，或安装 `@z_ai/mcp-server@latest`"
                  f"。要用上 GLM-4.6V 的能力，页面要求版本 {least} 或更高（“>= {least}”）。")
        named = {m for m in msg.models if VISION_MODEL.fullmatch(m)}
        if "vision" in msg.mcp and (named or re.search(r"\b(vision|image) model|\bwhich model\b|视觉模型|什么模型|哪个模型",
                                                       msg.ask, re.I)) and "mcp.vision_latest" not in d.fact_ids:
            # "which model is behind the Vision MCP?": the model its page names; "it is stuck on GLM-4.5V, let me pick
            # the model": that, its newest version, and that the docs offer no choice of model
            model = d.fact("mcp.vision.model")
            other = bool(named - {model.lower()}) or bool(re.search(
                r"\b(choos\w*|switch\w*|select\w*|pick|upgrad\w*)\b.{0,20}\bmodel|(自选|切换|升级|选择).{0,6}模型", msg.ask,
                re.I))
            if other:
                d.fact("mcp.vision_latest")
            d.say("mcp", f"The Vision MCP page: the server provides {model}'s capabilities (image analysis, video "
                         "understanding)" + ("; an older cached version may still be running, so clear the npx cache "
                                            "or install `@z_ai/mcp-server@latest`. The docs don't mention choosing "
                                            "the server's model." if other else "."),
                  f"Vision MCP 页面说：这个服务提供 {model} 的能力（图像分析、视频理解）" + (
                      "；老用户可能仍在用缓存的旧版本，请清除 npx 缓存，或安装 `@z_ai/mcp-server@latest`。文档没有提到可以自选这个"
                      "服务使用的模型。" if other else "。"))
        asked_tool = " ".join(msg.questions) or msg.ask
        # (what a tool is called or returns is asked in a question, never told as a failure: "returns empty")
        tools_asked = [(server, server_tool_for(msg, corpus_dir, server)) for server in msg.mcp[:2]
                       if TOOL_FOR_TASK.search(asked_tool) or msg.questions and not msg.failing
                       and TOOL_NAME_ASK.search(asked_tool)]
        tools_asked = [(server, line) for server, line in tools_asked if line]
        for server, task_tool in tools_asked:
            # "vision MCP 里哪个 tool 是专门看 ER / UML 图的？", "what's the exact tool name the search server exposes?",
            # "does webReader give back the page's links?": the page's line for its tool
            d.fact("mcp.vision_server" if server == "vision" else SERVER_FACT[server])
            name = SERVER_NAMES[server]
            d.say("mcp", f"The {name} MCP page's tool for that: {task_tool}", f"{name} MCP 页面上对应的工具（原文）：{task_tool}")
        # (a pasted config of the server with "is the usage like this?" asks its setup too)
        checked = any(re.search(MCP_SERVERS[s][0], msg.pasted or "", re.I) for s, _ in tools_asked) and \
            PASTE_CHECKED.search(msg.ask)
        if tools_asked and (MCP_CAPABILITY_ASK.search(msg.ask) or not msg.failing) and not SETUP_VERB.search(asked_tool) \
                and not CONFIG_ASKED.search(asked_tool) and not checked:
            d.handoff = msg.failing  # "which tool reads dashboards?": the page's line, not its setup
            return d
        limit = d.facts.value("mcp.vision.video")
        over = [size for size in video_sizes(msg.ask) if size > float(re.sub(r"[^\d.]", "", limit))] if (
            "vision" in msg.mcp and VIDEO.search(msg.ask)) else []
        if over:  # "录屏 mp4 大概 23MB，能行吗": over the page's limit
            d.fact("mcp.vision.video")  # (a size within it, or the limit itself told, "capped at 8 MB", is no case)
            formats = d.facts.words("mcp.vision.video", r"(?<=; )[^)]+")
            d.say("mcp", f"The Vision MCP page: its video_analysis tool takes videos up to {limit} (local or remote; "
                         f"{formats}), so a {number(over[0])} MB video is over that limit.",
                  f"Vision MCP 页面：video_analysis 工具支持不超过 {limit} 的视频（本地或远程；{formats}），"
                  f"{number(over[0])} MB 的视频超过了这个上限。")
            # (a setup told in the story, "installed back in November", is not asked; one wished for is)
            if MCP_CAPABILITY_ASK.search(msg.ask) and not SETUP_VERB.search(asked_tool) and not SETUP_WISH.search(msg.ask):
                d.handoff = msg.failing  # "which video formats does it accept?": the page's text, not its setup
                return d
        config_lines(d, msg, [MCP_SERVERS[s][1] for s in msg.mcp], corpus_dir)  # a pasted value the page gives otherwise
        quantity_asked = QUANTITY_ASK.search(msg.ask)
        if d.lines and not quantity_asked:  # a page's own answer to what they report: then the setup
            d.handoff = msg.failing
            return mcp_setup(d, msg, corpus_dir) or d
        # a capability asked beside a setup ("how do I set it up, and can it read PDFs?") keeps the setup
        asked = (MCP_ASK.search(msg.ask) or msg.failing) and (not MCP_CAPABILITY_ASK.search(msg.ask) or SETUP_VERB.search(msg.ask))
        # a symptom the page troubleshoots is answered even beside "is this a quota thing?"
        return mcp_setup(d, msg, corpus_dir) if asked and not quantity_asked or symptom_of(msg) else None
    # A plan subscriber whose setup fails and who talks of base URLs, with no tool named: the plan's endpoints.
    uses_plan_endpoint = bool({"coding", "anthropic"} & set(msg.endpoints)) or bool(
        re.search(r"\bcoding (endpoint|url|base ?url|api)\b", msg.ask, re.I))
    endpoint_trouble = msg.subscriber and not tool and not msg.other_tools and not uses_plan_endpoint and (
        (msg.failing and bool(re.search(r"base ?url|endpoint|api ?url|custom provider|自定义|地址|端点", msg.raw, re.I)))
        or setup_ask)
    over_context = bool(CONTEXT_OVER.search(msg.raw))
    # the Anthropic endpoint put in an OpenAI-compatible provider: the other protocol's URL
    openai_on_anthropic = "anthropic" in msg.endpoints and bool(re.search(
        r"openai[- ]compatible|openai (protocol|provider|api)|OPENAI_(BASE_URL|API_BASE)|/chat/completions", msg.raw, re.I)) \
        and tool not in ANTHROPIC_TOOLS and (msg.failing or bool(msg.http_codes))
    # A Claude-Code-style config with the key in ANTHROPIC_API_KEY: the docs put it in ANTHROPIC_AUTH_TOKEN.
    key_variable = bool(re.search(r"\bANTHROPIC_API_KEY\b", msg.raw)) and "ANTHROPIC_AUTH_TOKEN" not in msg.raw and (
        msg.failing or setup_ask)
    # "why the coding endpoint instead of the Anthropic one?": both of the plan's endpoints, compared
    compared = {"coding", "anthropic"} <= set(msg.endpoints) and bool(
        re.search(r"\bwhy\b|\binstead\b|\bdifference\b|\bwhich\b|\bvs\.?\b|区别|为什么|还是", msg.ask, re.I))
    # "What's the difference between the coding plan and the paid API, just the URL?": the plan's endpoints against
    # the pay-as-you-go one, whatever tool or request the message is about.
    plan_vs_api = (msg.subscriber or msg.names_zai) and bool(PLAN_VS_API.search(" ".join(msg.questions))) and not msg.errors
    if plan_vs_api and not msg.failing and not known:
        balance = False  # "pay-as-you-go" named in a comparison is no charge complaint
    asked_for = bool(tool and msg.feature_request and msg.subscriber)  # "please add the plan to <tool>"
    # "opencode auth login doesn't show 'Z.AI Coding Plan', only 'Z.AI'": the option the tool's page names is missing
    option_missing = bool(tool) and bool(OPTION_MISSING.search(msg.ask))
    # "edited crush.json, the header still shows the old model", "how do I switch to glm-4.7 in opencode?": the tool's
    # own model picker, the step after the configuration
    # (an error told beside it is the error's case, unless how to switch is a question of its own: "got 1113 ... which
    # provider is right, and how do I switch the model to glm-4.7 afterwards?")
    model_switch = tool in MODEL_PICKERS and bool(MODEL_NOT_SWITCHED.search(msg.ask)) and (not msg.errors or any(
        MODEL_NOT_SWITCHED.search(q) and re.search(r"\bhow\b|怎么|如何", q, re.I) for q in msg.questions))
    # installing Claude Code fails for want of permissions: the page's own advice
    install_permission = tool in ("claude-code", "claude-code-ide") and bool(re.search(
        r"\beacces\b|\beperm\b|operation not permitted|permission (denied|issue|error)|权限(不足|问题|错误)|拒绝访问", msg.raw, re.I)) and bool(re.search(
            r"\bnpm\b|\binstall(ing)? (claude|it|the)|\b(when|while) install\w*|安装", msg.raw, re.I)) and not re.search(
            r"\b(after|since) (installing|i installed)|\bis installed\b|\b(edit|write|access)\w* (files?|folders?)", msg.raw, re.I)
    banned = msg.enforcement and bool(msg.personal or msg.questions)  # a ban asked about or reported
    # the Claude Code page's one-line script run on Windows (Git Bash, PowerShell): the page says it does not support it
    script_on_windows = bool(re.search(r"claude_code_zai_env\.sh|(automated|one-?line|一键)\s*(script|脚本)", msg.raw, re.I)
                             and re.search(r"\bwin(dows)?\s*\d*\b|git ?bash|powershell|\bcmd\b|\bwsl\b", msg.raw, re.I))
    # Claude Code's own prompt quoted ("Do you want to use this API key?"): the page's step for it
    key_prompt = tool in ("claude-code", "claude-code-ide") and bool(KEY_PROMPT.search(msg.raw))
    # variables set with setx (Windows), then claude started in the window that set them
    same_window = tool in ("claude-code", "claude-code-ide") and bool(re.search(r"\bsetx\b", msg.raw, re.I)) and bool(
        re.search(r"\bsame (cmd |terminal |command prompt |console |powershell )?(window|session|terminal|cmd)\b|"
                  r"(同一个|原来的?|同个)\s*(cmd )?(窗口|终端|命令行)", msg.raw, re.I))
    asked_parameters = [] if known else parameters_asked(msg, corpus_dir)  # (an error's own parameter is said with it)
    # earlier turns' reasoning kept asked about ("is preserved thinking on by default on the coding endpoint?", "API 这边
    # 要加什么参数才能保留之前的思考"): the thinking guide's sentence on it, not the API reference's `thinking` parameter
    preserved = preserved_asked(msg)
    if preserved:
        asked_parameters = [name for name in asked_parameters if "thinking" not in name]
    # Cline's image and context settings asked about ("what should Context Window Size be?"): its page's own values
    # (not for a model the page does not set up: GLM-5's window is not stated anywhere, which the rules say)
    cline_settings = "cline" in msg.tools and bool(msg.questions) and not msg.mcp and bool(
        re.search(r"supports? images|context window( size)?", msg.raw, re.I)) and not names_glm5(msg)
    if not (asked_parameters or preserved or cline_settings or banned or install_permission or script_on_windows or option_missing or model_switch or key_prompt or same_window or openai_on_anthropic or server_status or msg.mistyped or key_variable or over_context or compared or plan_vs_api or claude_timeout or asked_for or rate_limited or known or msg.http_codes or unknown_codes or balance or model_missing or msg.off_plan_use or endpoint_trouble
            or (tool and msg.has_paste and msg.failing) or claude_fix
            or (msg.failing and (general_shown or msg.protocol)) or (tool and setup_ask)
            or (general_shown and msg.subscriber) or (unlisted_name and (setup_ask or support_ask or unlisted_config
                                                                         or unlisted_failing)
                                                      and (msg.subscriber or msg.names_zai))):
        return None

    _error_meaning(d, msg, corpus_dir)
    if preserved:
        quote = d.facts.words("thinking.preserved", r".+")
        d.fact("thinking.preserved")
        d.say("thinking", f"The Thinking Mode page: \"{quote}\"", f"思考模式（Thinking Mode）页面原文：“{quote}”")
    api_parameters(d, asked_parameters, corpus_dir, vision=bool(VISION_MODEL_NAMED.search(" ".join(msg.models))))
    if cline_settings:
        cline_other_configurations(d)
    if over_context:
        context_over(d, msg)
    if unknown_codes and not known:
        d.unlisted = unknown_codes[:2]
        d.say("unlisted", f"The error-code page does not list {' or '.join(d.unlisted)}, so the docs don't say what "
                          "it means.", f"错误码页面没有列出 {' 或 '.join(d.unlisted)}，所以文档没有说明它的含义。")
    if server_status and not known and not msg.http_codes:
        code = server_status[0]
        meaning, fix = d.fact("error.http.500.1")
        d.unlisted = [code]
        d.say("http", f"The error-code page does not list HTTP {code}. It is a server-side status; the page's "
                          f"closest entry, HTTP 500, means \"{meaning}\", and its fix: {fix}.",
              f"错误码页面没有列出 HTTP {code}。它是服务器端的状态码；页面上最接近的是 HTTP 500，含义为“{meaning}”，处理办法："
              f"{fix}。")

    def plan_endpoint() -> str:  # cited only when said
        return (d.fact("endpoint.anthropic") if msg.protocol == "anthropic" and tool not in PLAN_TOOLS[2:]
                else _plan_endpoint(d, tool))

    if msg.off_plan_use:
        d.fact("terms.tools_only")
        terms = ("You shall not use the GLM Coding Plan quota for general-purpose API access or any scenarios outside "
                 "such tools, including but not limited to directly invoking model APIs from your own applications, "
                 "bots, websites, SaaS products or other systems")
        services = d.fact("faq.maas")  # the FAQ's own way for an application of theirs
        d.say("terms", ("No: the" if msg.questions else "The") + " plan's quota can only be used in coding tools. The "
                       f"subscription terms: \"{terms}\". For that the FAQ points to Z.ai's {services}, under "
                       "their own terms and pricing.",
              ("不可以。" if msg.questions else "") + f"套餐额度只能在编程工具中使用。订阅条款原文：“{terms}”，即不得把套餐"
              "额度用于通用 API 调用或这些工具以外的场景，包括从你自己的应用、机器人、网站、SaaS 产品或其他系统直接调用模型 "
              f"API。这类用途 FAQ 建议使用 Z.ai 的企业级 API / MaaS 服务（{services}），适用相应的条款和价格。")
        if re.search(r"\b(base[_ ]?url|endpoint|url|api host)\b|接口地址|地址|端点", " ".join(msg.questions), re.I):
            # "what base_url am I supposed to use for my own app?": the general API's, billed on its own
            general = d.fact("endpoint.general").rsplit("/chat", 1)[0]
            billed = d.fact("api.billed_separately")
            d.say("terms", f"Your own application calls the general API: {general} (its calls are {billed} and do not "
                           "use the Coding Plan quota).",
                  f"你自己的应用应调用通用 API：{general}（单独计费，不使用 Coding Plan 套餐额度）。")
        if msg.enforcement:
            enforcement_terms(d)
    # their own code on the general API, paid per use by choice, with no error of the plan's: no endpoint mistake
    by_choice = msg.pays_per_use and not tool and "1113" not in known
    if balance and tool in PLAN_PROVIDER_TOOLS and "1113" not in known and not general_shown and not by_choice and \
            not NO_PLAN.search(msg.ask):
        # the balance charged in a tool whose page has a provider for the plan beside the general one ("picked Z.ai,
        # the balance went from $15 to $11"): that provider is the answer, before any general conditions
        tool_setup(d, tool)
    elif balance and (msg.subscriber or general_shown or tool or "1113" in known) and not by_choice and not (
            lite_glm5 and "1113" not in known):  # (Lite calling GLM-5 on the general API is billed so: the FAQ's own path)
        d.fact("diag.1113_plan")
        tools = _listed_with(d.fact("tools.supported"), msg.tools)
        models = d.fact("models.four")
        anthropic, coding = d.fact("endpoint.anthropic"), d.fact("endpoint.coding")
        d.say("diagnosis", "With the Coding Plan, this usually means the plan's usage conditions are not met (FAQ): "
                           f"1) a supported tool ({', '.join(tools)}, ...); 2) the plan's base URL: {anthropic} "
                           f"for Claude Code and Goose, {coding} for other tools; 3) a plan model "
                           f"({', '.join(models)}). Calls to the general API are billed to your balance instead.",
              "使用 Coding Plan 时，这通常说明没有满足套餐的使用条件（FAQ）：1）使用支持的编程工具"
              f"（{'、'.join(tools)} 等）；2）使用套餐的接口地址：Claude Code 和 Goose 用 {anthropic}，其他编程工具用 "
              f"{coding}；3）使用套餐模型（{'、'.join(models)}）。调用通用 API 会改为从你的余额扣费。")
    if general_shown and (msg.subscriber or balance or tool) and not by_choice:
        general = d.fact("endpoint.general").rsplit("/chat", 1)[0]
        shown = "open.bigmodel.cn/api/paas/v4" if "bigmodel-general" in msg.endpoints and "general" not in msg.endpoints \
            else general
        needed = plan_endpoint()
        if shown.startswith("open.bigmodel.cn"):  # the China platform: the docs give Z.ai's endpoints only
            d.say("endpoint", f"Your message shows the China platform's general endpoint ({shown}). The plan is used "
                              "through a coding endpoint, not the general one; these docs give Z.ai's (api.z.ai): "
                              f"{needed}" + (f" in {_tool_name(tool)}" if tool else "") + ". They don't list "
                              "open.bigmodel.cn's endpoints.",
                  f"你的消息里用的是国内平台的通用接口地址（{shown}）。套餐要通过编码专用接口地址使用，而不是通用地址；这些文档"
                  f"给出的是 Z.ai（api.z.ai）的地址：" + (f"在 {_tool_name(tool)} 中" if tool else "") + f"使用 {needed}。"
                  "文档没有列出 open.bigmodel.cn 的接口地址。")
        else:
            d.say("endpoint", f"Your message shows the general endpoint ({shown}); the Coding Plan needs {needed}"
                              + (f" in {_tool_name(tool)}" if tool else "") + ".",
                  f"你的消息里用的是通用接口地址（{shown}）；Coding Plan 需要" + (f"在 {_tool_name(tool)} 中" if tool else "")
                  + f"使用 {needed}。")
            if not tool and not balance:  # no documented tool named: the plan's endpoint works inside coding tools only
                tools = d.fact("tools.supported")
                d.say("endpoint", f"The plan's quota is only for use inside supported coding tools ({', '.join(tools[:6])}, "
                                  "...), not for other applications calling the API (subscription terms).",
                      f"套餐额度只能在支持的编程工具（{'、'.join(tools[:6])} 等）中使用，不能用于其他应用调用 API（订阅条款）。")
    elif (tool in ANTHROPIC_TOOLS or msg.protocol == "anthropic") and "anthropic" not in msg.endpoints and not (
            known & NOT_CONFIG) and (
            (msg.failing and not over_context and not claude_timeout and not claude_fix and _config_failure(msg, known))
            or msg.endpoints_shown or msg.endpoints and not msg.outage):  # (named in words, unless slow right now)
        who = _tool_name(tool) if tool in ANTHROPIC_TOOLS else None
        anthropic, coding = d.fact("endpoint.anthropic"), d.fact("endpoint.coding")
        d.say("protocol", f"{who or 'Your tool'} talks the Anthropic protocol (Messages API): its base URL is "
                          f"{anthropic}, not the OpenAI-compatible {coding}.",
              f"{who + ' ' if who else '你的工具'}使用 Anthropic 协议（Messages API）：它的 Base URL 是 {anthropic}，"
              f"而不是 OpenAI 兼容的 {coding}。")
    if msg.mistyped and "endpoint" not in d.kinds:
        wrong = msg.mistyped[0]
        anthropic, coding = d.fact("endpoint.anthropic"), d.fact("endpoint.coding")
        if re.search(r"/chat/completion(?!s)", wrong.lower()):  # "POST .../chat/completion" → 404, 1222
            full = f"{coding}/chat/completions" if "/coding/" in wrong.lower() else d.fact("endpoint.general")
            d.say("endpoint", f"{wrong} ends in \"/chat/completion\": the documented path ends in \"/chat/completions\" "
                              f"({full}).",
                  f"{wrong} 的路径是“/chat/completion”：文档中的路径以“/chat/completions”结尾（{full}）。")
        elif re.search(r"/paas/v4/v1\b", wrong.lower()):  # the tool appends /v1 (or the user did) after the base URL
            d.say("endpoint", f"{wrong} adds \"/v1\" after the endpoint: the plan's base URL is {coding} exactly (the "
                              "tool adds the rest of the path).",
                  f"{wrong} 在接口地址后面多了“/v1”：套餐的 Base URL 就是 {coding}（后面的路径由工具自己加）。")
        else:
            d.say("endpoint", f"{wrong} is none of the documented endpoints: the plan's are {coding} (OpenAI-compatible "
                              f"tools) and {anthropic} (Claude Code, Goose); check the base URL for a typo.",
                  f"{wrong} 不是文档中的任何一个接口地址：套餐的地址是 {coding}（OpenAI 兼容的工具）和 {anthropic}（Claude Code、"
                  "Goose）；请检查 Base URL 是否有拼写错误。")
    if openai_on_anthropic and "endpoint" not in d.kinds:
        anthropic, coding = d.fact("endpoint.anthropic"), d.fact("endpoint.coding")
        d.fact("tool.others.openai")
        d.say("endpoint", f"{anthropic} speaks the Anthropic protocol (for Claude Code and Goose); an OpenAI-compatible "
                          f"provider needs {coding}.",
              f"{anthropic} 使用 Anthropic 协议（用于 Claude Code 和 Goose）；OpenAI 兼容的服务商需要使用 {coding}。")
    if compared and "endpoint" not in d.kinds:
        d.fact("tool.others.openai")
        anthropic, coding = d.fact("endpoint.anthropic"), d.fact("endpoint.coding")
        d.say("endpoint", f"The plan has two endpoints, one per protocol: {anthropic} for tools that "
                          f"speak the Anthropic protocol (Claude Code, Goose), {coding} for tools that "
                          "speak the OpenAI-compatible protocol; either uses the plan's quota.",
              f"套餐有两个接口地址，每种协议一个：使用 Anthropic 协议的编程工具（Claude Code、Goose）用 {anthropic}，使用 OpenAI "
              f"兼容协议的编程工具用 {coding}；两者都使用套餐额度。")
    if plan_vs_api and "endpoint" not in d.kinds:
        general = d.fact("endpoint.general").rsplit("/chat", 1)[0]
        d.fact("api.billed_separately")
        coding, anthropic = d.fact("endpoint.coding"), d.fact("endpoint.anthropic")
        d.say("endpoint", f"The plan is used through its own endpoints: {coding} for tools that speak "
                          f"the OpenAI-compatible protocol, {anthropic} for Claude Code and Goose. "
                          f"The general endpoint, {general}, is the pay-as-you-go API: its calls are billed separately "
                          "and do not use the Coding Plan quota.",
              f"套餐通过它自己的接口地址使用：使用 OpenAI 兼容协议的编程工具用 {coding}，Claude Code 和 Goose 用 {anthropic}。"
              f"通用接口地址 {general} 是按量付费的 API：它的调用单独计费，不使用 Coding Plan 套餐额度。")
    if unlisted_name and (setup_ask or support_ask or unlisted_config or unlisted_failing) and (msg.subscriber or
                                                                                              msg.names_zai):
        listed = d.fact("tools.supported")
        named = unlisted_name
        pack = d.facts.value("tools.pack_supports")
        if any(t.lower() == str(named).lower() for t in pack):  # OpenClaw: named by the FAQ's other list only
            d.fact("tools.pack_supports")
            said = d.facts.words("tools.pack_supports", r".+")
            d.say("tools", f"The FAQ's answer to \"Which coding tools are supported?\" lists {named}: \"{said}\"; its other "
                           f"list ({', '.join(listed)}) doesn't, and the tool guides have no page for it.",
                  f"FAQ 对“Which coding tools are supported?”的回答列出了 {named}：“{said}”；它的另一处列表（{'、'.join(listed)}）"
                  "没有，工具指南里也没有它的页面。")
        else:
            d.say("tools", f"The FAQ lists the supported tools as {', '.join(listed)}; it doesn't name {named}.",
                  f"FAQ 列出的支持工具是 {'、'.join(listed)}；其中没有 {named}。")
        if "endpoint" not in d.kinds:
            d.fact("tool.others.openai")
            coding = d.fact("endpoint.coding")
            d.say("tools", "The Other Tools page says any tool supporting the OpenAI protocol can run on GLM-4.7: "
                           f"replace its OpenAI API URL with {coding} and set your Z.ai API key. "
                           f"Whether {named} lets you change that URL is for its own documentation.",
                  f"Other Tools 页面说，任何支持 OpenAI 协议的工具都可以使用 GLM-4.7：把它的 OpenAI API 地址换成 {coding}，"
                  f"并填入你的 Z.ai API Key。{named} 是否允许修改这个地址，请查看它自己的文档。")
        if msg.enforcement and "terms" not in d.kinds:  # "...or will I get banned?": the terms' scope, and their measures
            d.fact("faq.designated")
            d.say("terms", "The FAQ says the plan's quota is only intended for coding/IDE tools designated or recognized "
                           "by Z.ai, for personal code assistance; Z.ai support can say whether a given tool counts.",
                  "FAQ 说套餐额度仅限在 Z.ai 指定或认可的编程/IDE 工具中用于个人编程辅助；某个工具是否算在内，请咨询 Z.ai 客服。")
            enforcement_terms(d)
    if endpoint_trouble and not balance and "endpoint" not in d.kinds:
        d.fact("tool.others.openai")
        anthropic, coding = d.fact("endpoint.anthropic"), d.fact("endpoint.coding")
        d.say("endpoint", f"The plan needs its own base URL: {anthropic} for Claude Code and Goose "
                          f"(Anthropic protocol), {coding} for any other tool that speaks the "
                          "OpenAI-compatible protocol (model GLM-4.7); the general API endpoint does not use the plan.",
              f"套餐需要使用它自己的接口地址（Base URL）：Claude Code 和 Goose（Anthropic 协议）用 {anthropic}，其他使用 "
              f"OpenAI 兼容协议的编程工具用 {coding}（模型 GLM-4.7）；通用 API 接口地址不走套餐。")
    if "1309" in known and re.search(r"balance|pay[- ]as[- ]you[- ]go|按量|余额|api billing", msg.raw, re.I):
        general = d.fact("endpoint.general").rsplit("/chat", 1)[0]
        d.say("endpoint", f"The plan endpoints serve only the plan; pay-as-you-go calls billed to your balance go to "
                          f"the general API, {general}.",
              f"套餐接口地址只服务于套餐；从余额扣费的按量付费调用走通用 API：{general}。")
    if "1308" in known:
        refresh = d.fact("quota.refresh")
        days = d.fact("weekly.cycle")
        d.say("diagnosis", "That is the plan's usage limit: wait until the reset time the error gives. The 5-hour "
                           f"quota refreshes every 5 hours, the weekly quota every {days} days from your order time, "
                           "and once it is used up the system will not deduct from your account balance (FAQ).",
              "这是套餐的用量上限：请等到错误信息给出的重置时间。5 小时额度每 5 小时刷新一次，每周额度从你的下单时间起每 "
              f"{days} 天重置一次；额度用完也不会扣你的账户余额。")
        if names_glm5(msg):  # the limit reached sooner on GLM-5: its rate
            rate = d.fact("models.glm5_multiplier")
            d.say("diagnosis", f"GLM-5 consumes the plan's quota {rate} times as fast as earlier models (FAQ), so the "
                               "limit comes sooner on it; GLM-4.7 is enough for routine development.",
                  f"GLM-5 消耗套餐额度的速度是之前模型的 {rate} 倍（FAQ），所以用 GLM-5 会更快到达上限；日常开发用 GLM-4.7 就够了。")
    if known & set(RATE_CODES) or ("429" in msg.http_codes and not known) or rate_limited:
        page = d.fact("limits.rate_page")
        d.say("diagnosis", "Reduce how many requests run at once or how fast they are sent (parallel agents and "
                           f"sub-agents count). The docs don't give a number for the plan's rate limits; your account's "
                           f"current limits are at {page}.",
              "请减少同时运行的请求数量或降低发送频率（并行的 agent 和 sub-agent 都算在内）。文档没有给出套餐速率限制的具体"
              f"数字；你账户当前的限制可以在 {page} 查看。")
        if QUOTA_OR_NOT.search(msg.ask) and known & set(RATE_CODES) and not known & {"1308", "1310"}:
            # "Max 不是号称 1600 次吗，我才用了不到 200 次。是额度问题还是别的？": a rate limit is not the quota used up
            used_up = d.fact("error.1308").split(".")[0]  # "Usage limit reached for {number} {unit}"
            d.say("diagnosis", "This is a limit on requests at once or per unit of time, not your prompt quota: the error "
                               f"page gives the quota's own error as 1308 (\"{used_up}\").",
                  f"这是并发或频率限制，不是额度用完：错误码页面上额度用完对应的是 1308（“{used_up}”）。")
    if model_missing:
        models = d.fact("models.four")
        plans = d.fact("models.glm5_plans")
        d.say("diagnosis", f"The plan serves {', '.join(models)}, and GLM-5 on {plans[1]} and {plans[0]}; check the "
                           "model name your tool sends.",
              f"套餐提供 {'、'.join(models)}，{plans[1]} 和 {plans[0]} 套餐还提供 GLM-5；请检查你的工具发送的模型名称。")
        if any(VISION_MODEL.search(m) for m in msg.models):
            server = d.fact("mcp.vision_server")
            d.say("diagnosis", f"For images, the plan has the Vision MCP server ({server}), which draws on "
                               "your plan's quota.",
                  f"处理图片，套餐提供 Vision MCP 服务（{server}），它使用你的套餐额度。")
    if any(m == "glm-5" for m in msg.models) and (known or msg.failing) and not set(msg.plans) & {"pro", "max"} \
            and "lite" not in msg.plans:
        plans = d.fact("models.glm5_plans")
        d.fact("models.lite_no_glm5")
        d.say("diagnosis", f"GLM-5 is on {plans[1]} and {plans[0]} only; Lite does not include it (use GLM-4.7 there).",
              f"GLM-5 只在 {plans[1]} 和 {plans[0]} 套餐中提供；Lite 不包含 GLM-5（Lite 请使用 GLM-4.7）。")
    if any(m.startswith("glm-5") for m in msg.models) and "lite" in msg.plans and (known or msg.failing):
        d.fact("diag.lite_glm5_error")
        d.fact("models.lite_no_glm5")
        d.say("diagnosis", "Lite does not include GLM-5: calling GLM-5 through the plan endpoints on Lite returns an "
                           "error.", "Lite 不包含 GLM-5：在 Lite 上通过套餐接口地址调用 GLM-5 会返回错误。")
        if TRY_ANYWAY.search(msg.ask):  # "有啥办法能体验一下 GLM-5，花点钱也行": the FAQ's paid way for Lite users
            api = d.fact("models.lite_glm5_api")
            d.say("diagnosis", f"To use GLM-5 on Lite, the FAQ says you can call it through the general API endpoint "
                               f"({api}), paid from platform credits and then account balance.",
                  f"Lite 用户如需使用 GLM-5，FAQ 说可以通过通用 API 接口（{api}）按量调用，先扣平台积分，再扣账户余额。")
    if known & set(AUTH_CODES) or "401" in msg.http_codes:
        # own code sending the key without "Bearer " ({'Authorization': API_KEY}): the API reference's header
        no_bearer = re.search(r"Authorization[\"']?\s*[:=]\s*(?![fbr]?[\"'`]?\s*Bearer\b)[fbr]?[\"'`]?[\w.<${]", msg.raw, re.I)
        # (a header sent by hand, "curl -H 'Authorization: ...'", is theirs to fix whatever tool the story names)
        by_hand = re.search(r"(-H|--header)\s+[\"']?Authorization\s*:\s*(?![\"']?\s*Bearer\b)", msg.raw, re.I)
        if no_bearer and not set(msg.mcp) & set(REMOTE_MCP) and (by_hand or not set(msg.tools) & {"claude-code",
                                                                                              "claude-code-ide"}):
            header = d.fact("api.bearer")
            d.say("diagnosis", f"Your Authorization header has no \"Bearer \": the API reference says \"API keys should be "
                               f"provided via HTTP Bearer Authentication\", as `{header}`.",
                  f"你的 Authorization 请求头缺少“Bearer ”：API 文档要求通过 HTTP Bearer 认证传递 API Key，写法是 `{header}`。")
        # the header sent under another name ("Authorisation: Bearer ...", "Authentication: ..."): the server receives none
        # (x-api-key is the Anthropic protocol's own header: sent to /api/anthropic it is no misspelling)
        misnamed = re.search(r"(?:-H|--header)\s+[\"']?(auth\w*|x-api-key|api-?key)\s*:", msg.raw, re.I)
        if misnamed and "/api/anthropic" in msg.raw and not misnamed.group(1).lower().startswith("auth"):
            misnamed = None
        if misnamed and misnamed.group(1).lower() != "authorization":
            header = d.fact("api.bearer")
            d.say("diagnosis", f"Your request sends the key in a header named \"{misnamed.group(1)}\": the API reference's "
                               f"header is `{header}`, spelled \"Authorization\", so the server receives no key.",
                  f"你的请求把 key 放在名为“{misnamed.group(1)}”的请求头里：API 文档的请求头是 `{header}`（拼写为 "
                  "Authorization），所以服务端收不到 key。")
        if tool in ("claude-code", "claude-code-ide"):
            env = d.fact("tool.claude-code.env")
            d.say("diagnosis", f"Check that {env[0]} holds your Z.ai API key, with no quotes or spaces around it.",
                  f"请检查 {env[0]} 填的是你的 Z.ai API Key，前后没有多余的引号或空格。")
        else:
            d.say("diagnosis", "Check the API key your tool sends: a Z.ai API key, complete and current.",
                  "请检查你的工具发送的 API Key：应是完整且有效的 Z.ai API Key。")
    # The tool's settings answer a setup question or a misconfiguration, not a model's behaviour or an account matter.
    # A pasted config that fails is answered with the tool's documented settings to compare against.
    misconfigured = (general_shown or balance or model_missing or "endpoint" in d.kinds or "protocol" in d.kinds
                     or bool(set(msg.http_codes) & {"401", "404"}) or (msg.has_paste and msg.failing and not over_context
                                                                        and not known & (NOT_CONFIG | {"1309"})
                                                                        and not install_permission))
    if tool and (setup_ask or misconfigured or asked_for or option_missing) and "setup" not in d.kinds:
        if tool in TOOLS and tool != "claude-code-router":
            tool_setup(d, tool)
    if tool in ("claude-code", "claude-code-ide") and re.search(r"\b(windows|powershell|cmd|setx|win(10|11))\b", msg.raw, re.I) \
            and (setup_ask or misconfigured or msg.failing or "setup" in d.kinds):
        d.fact("tool.claude-code.setx")  # the page's own Windows commands
        d.say("setup", "On Windows the Claude Code page sets the variables with `setx ANTHROPIC_AUTH_TOKEN your_zai_api_key` "
                       "and `setx ANTHROPIC_BASE_URL https://api.z.ai/api/anthropic` in Cmd (or "
                       "[System.Environment]::SetEnvironmentVariable(..., 'User') in PowerShell), then a new terminal.",
              "在 Windows 上，Claude Code 页面用 Cmd 命令 `setx ANTHROPIC_AUTH_TOKEN your_zai_api_key` 和 "
              "`setx ANTHROPIC_BASE_URL https://api.z.ai/api/anthropic` 设置变量（PowerShell 用 "
              "[System.Environment]::SetEnvironmentVariable(..., 'User')），然后打开新的终端。")
    if same_window:  # "ran setx, then claude in the same cmd window": the page's own words on it
        d.fact("tool.claude-code.new_window")
        d.lead("diagnosis", "The Claude Code page: \"A new window is required for the changes to take effect.\" "
                            "Open a new Cmd window and start claude there.",
               "Claude Code 页面说：“A new window is required for the changes to take effect.”（修改后需要新开窗口才生效）"
               "请新开一个 Cmd 窗口再运行 claude。")
    if script_on_windows:
        d.fact("tool.claude-code.script_no_windows")
        d.say("diagnosis", "The Claude Code page says of the automated script (claude_code_zai_env.sh): \"only macOS "
                           "Linux environment is supported, this method does not support Windows\". On Windows, set the "
                           "variables by hand as the page shows, or run the Coding Tool Helper (`npx @z_ai/coding-helper`).",
              "Claude Code 页面对这个自动脚本（claude_code_zai_env.sh）的说明是：只支持 macOS 和 Linux，不支持 Windows。在 Windows "
              "上请按页面的方法手动设置环境变量，或运行 Coding Tool Helper（`npx @z_ai/coding-helper`）。")
    if install_permission:
        d.fact("tool.claude-code.permission")
        d.say("diagnosis", "The Claude Code page: \"If you encounter permission issues during installation, try using `sudo` "
                       "(MacOS/Linux) or running the command prompt as an administrator (Windows) to re-execute the "
                       "installation command.\"",
              "Claude Code 页面说：安装时遇到权限问题，可以用 `sudo`（macOS/Linux）或以管理员身份运行命令提示符（Windows）重新执行安装命令。")
    if model_switch:
        d.fact(f"tool.{tool}.model_picker")
        picker = d.facts[f"tool.{tool}.model_picker"].quote.rstrip(":").strip().replace("**", "")  # the page's words
        d.lead("setup", f"To pick the model once the provider is configured, the {_tool_name(tool)} page says: \"{picker}\"",
               f"配置好服务商之后选择模型，{_tool_name(tool)} 页面的说法是：“{picker}”")
    if option_missing and tool in ("kilo-code", "roo-code"):  # the page's own advice for a missing entrypoint option
        d.fact(f"tool.{tool}.update")
        name = _tool_name(tool)
        d.lead("setup", f"If your {name} version lacks the Coding Plan option in the Z AI Entrypoint list, the {name} page "
                        "says to update the plugin to the latest version.",  # (the answer to what they see: first)
               f"如果你的 {name} 版本的 Z AI Entrypoint 里没有 Coding Plan 选项，{name} 页面说要先把插件更新到最新版本。")
    if key_variable:
        token, base = d.fact("tool.claude-code.env")
        anthropic = d.fact("endpoint.anthropic")
        d.say("diagnosis", f"Your configuration sets ANTHROPIC_API_KEY; the docs' Claude Code configuration puts your "
                           f"Z.ai API key in {token}, with {base}={anthropic}.",
              f"你的配置设置的是 ANTHROPIC_API_KEY；文档中的 Claude Code 配置把 Z.ai API Key 放在 {token} 中，并设置 "
              f"{base}={anthropic}。")
    if claude_timeout:
        ms = d.fact("tool.claude-code.timeout")
        d.say("diagnosis", f"The FAQ's recommended Claude Code configuration sets \"API_TIMEOUT_MS\": \"{ms}\" "
                           f"({int(ms) // 60000} minutes) in the env block of ~/.claude/settings.json; check yours has it. "
                           "The docs say nothing more about timeouts.",
              f"FAQ 推荐的 Claude Code 配置在 ~/.claude/settings.json 的 env 中设置了 \"API_TIMEOUT_MS\": \"{ms}\""
              f"（{int(ms) // 60000} 分钟）；请检查你的配置里有这一项。关于超时，文档没有更多说明。")
    login = bool(LOGIN.search(msg.raw))
    if KEY_PROMPT.search(msg.raw) and not (claude_fix and login):  # said with the login fix below otherwise
        # the prompt Claude Code shows, quoted: the page's own step for it
        d.fact("tool.claude-code.key_prompt")
        d.lead("diagnosis", "The Claude Code page: if prompted with \"Do you want to use this API key\", select \"Yes\".",
               "Claude Code 页面说：如果提示“Do you want to use this API key”，选择“Yes”。")
    if claude_fix:
        if login:
            d.fact("tool.claude-code.key_prompt")
            d.say("diagnosis", "When Claude Code asks \"Do you want to use this API key\", select \"Yes\"; it reads "
                               "ANTHROPIC_AUTH_TOKEN and ANTHROPIC_BASE_URL from the env block of ~/.claude/settings.json "
                               "(the file name is settings.json).",
                  "当 Claude Code 询问“Do you want to use this API key”时，选择“Yes”；它从 ~/.claude/settings.json 的 env "
                  "中读取 ANTHROPIC_AUTH_TOKEN 和 ANTHROPIC_BASE_URL（文件名是 settings.json）。")
        d.fact("tool.claude-code.restart")
        d.fact("tool.claude-code.json")
        d.fact("tool.claude-code.reset")
        d.say("diagnosis", "If settings.json changes don't take effect: close all Claude Code windows and start "
                           "`claude` in a new terminal; check the file is valid JSON (no missing or extra commas); "
                           "if it still fails, delete ~/.claude/settings.json and set the variables again.",
              "如果修改 settings.json 后没有生效：关闭所有 Claude Code 窗口，在新的终端中运行 `claude`；检查文件是有效的 JSON"
              "（没有缺少或多余的逗号）；如果还是不行，删除 ~/.claude/settings.json 后重新设置这些变量。")
    if msg.enforcement:  # "locked with 1121, how do I appeal?", "我的账号被封了，怎么申诉", "will I get banned for RP?"
        enforcement_terms(d, sharing=bool(SHARING.search(msg.ask)))
    if msg.has_paste and subject_tools:
        config_lines(d, msg, [TOOLS[t][1] for t in subject_tools if t in TOOLS], corpus_dir)
    if not d.lines or msg.outage and not msg.failing and set(d.kinds) <= {"setup"}:
        return None  # (slow right now, with only the tool's setup to say: an incident, for support to confirm)
    # the Anthropic protocol told while the message shows an OpenAI-compatible endpoint: that mismatch is the diagnosis
    shown_mismatch = "protocol" in d.kinds and bool(set(msg.endpoints) & {"coding", "general"})
    if msg.failing and set(d.kinds) <= WEAK and not msg.regression and not shown_mismatch:
        # Nothing in the message matched what the docs explain (a listed code, the wrong endpoint, ...): the tool's
        # documented settings or a status code's generic reasons are something to compare against, not a diagnosis.
        d.lead("scope", "The docs don't cover this exact problem; what they say that bears on it:",
               "文档没有涉及这个具体问题；文档中与之相关的内容：")
    d.handoff = msg.failing or bool(known) or bool(d.unlisted) or msg.enforcement or timeout_asked
    return d
