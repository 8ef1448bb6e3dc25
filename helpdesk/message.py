"""Understand a subscriber's message before any layer answers it.

Real messages are not one-line questions: they paste error output, JSON configs, base URLs and log lines,
name their tool and plan, complain and ask in the same breath, and are often in Chinese. `analyse` reads the
message once and every layer (rules, troubleshooting, abstention, retrieval, the LLM prompt) reads the result,
so no layer re-reads the raw text with keywords of its own:

- `ask`: the subscriber's own words, apart from pasted material (fenced code, JSON, log and stack-trace lines,
  config assignments, issue-template headings);
- `questions`: the sentences of the ask that ask something (a question mark, an interrogative, 吗/什么/怎么);
- `errors`: error codes and messages, English or Chinese, matched against the error-code page;
- `tools`, `endpoints`, `plans`, `models`, `mcp`: what the message names, from the ask and the paste alike.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import frontmatter

# --- what a message can name --------------------------------------------------------------------------------------

# Tool id -> (how subscribers write it, the page that sets it up). Order matters: longer names first, so
# "claude code router" is not read as Claude Code.
TOOLS: dict[str, tuple[tuple[str, ...], str]] = {
    "claude-code-router": (("claude-code-router", "claude code router", "ccr"), "devpack-tool-others"),
    "claude-code-ide": (("claude code ide", "claude code extension", "claude code plugin", "claude code for vs",
                         "jetbrains", "claude code 插件", "claude code 扩展", "claude code插件", "pycharm", "intellij",
                         "webstorm"), "devpack-tool-claude-code-ide-plugin"),
    "claude-code": (("claude code", "claude-code", "claudecode", "claude cli", "~/.claude", ".claude/settings",
                     "code.claude.com", "claude.md"),  # (its docs' site, its memory file)
                    "devpack-tool-claude-code"),
    "opencode": (("opencode", "open code", "open-code", "opencode.json"), "devpack-tool-opencode"),
    "kilo-code": (("kilo code", "kilocode", "kilo-code", "kilo"), "devpack-tool-kilo-code"),
    "roo-code": (("roo code", "roocode", "roo-code", "roo"), "devpack-tool-roo-code"),
    "cline": (("cline",), "devpack-tool-cline"),
    "goose": (("goose",), "devpack-tool-goose"),
    "crush": (("crush",), "devpack-tool-crush"),
    "cursor": (("cursor",), "devpack-tool-cursor"),
    # (its settings file and that file's key name it too: "~/.factory/settings.json", "customModels")
    "factory-droid": (("factory droid", "factory-droid", "droid", ".factory", "custommodels"), "devpack-tool-factory-droid"),
    "trae": (("trae",), "devpack-tool-trae"),
    "eigent": (("eigent",), "devpack-tool-eigent"),
    "gemini-cli": (("gemini cli", "gemini-cli"), "devpack-tool-others"),
    "grok-cli": (("grok cli", "grok-cli"), "devpack-tool-others"),
    "cherry-studio": (("cherry studio", "cherry-studio", "cherrystudio"), "devpack-tool-others"),
}
# How the docs write each tool's name, for answers and for retrieval queries.
TOOL_NAMES = {"claude-code": "Claude Code", "claude-code-ide": "the Claude Code IDE plugin", "opencode": "OpenCode",
              "kilo-code": "Kilo Code", "roo-code": "Roo Code", "cline": "Cline", "goose": "Goose", "crush": "Crush",
              "cursor": "Cursor", "factory-droid": "Factory Droid", "trae": "TRAE", "eigent": "Eigent",
              "gemini-cli": "Gemini CLI", "grok-cli": "Grok CLI", "cherry-studio": "Cherry Studio",
              "claude-code-router": "claude-code-router"}
# Named by subscribers, not covered by a page of their own: the plan's "other tools" page is the closest.
OTHER_TOOLS = ("zed", "codex", "aider", "continue.dev", "litellm", "openclaw", "windsurf", "copilot", "lobechat",
               "jetbrains ai", "junie", "ai assistant", "cc-switch", "new-api", "newapi", "one-api", "oneapi", "kimi cli", "kimi-cli",
               "chatbox", "sillytavern", "n8n", "dify", "openwebui", "open webui", "vscode", "vs code")
NON_CODING_APPS = ("sillytavern", "lobechat", "chatbox", "openwebui", "open webui", "n8n", "dify")
PLAN_TOOLS = ("claude-code", "claude-code-ide", "opencode", "kilo-code", "roo-code", "cline", "goose", "crush",
              "cursor", "factory-droid", "trae", "eigent", "gemini-cli", "grok-cli", "cherry-studio")
ANTHROPIC_TOOLS = ("claude-code", "claude-code-ide", "goose")

# The plan's Coding Tool Helper, by the names subscribers type for it
CODING_HELPER = re.compile(r"coding[\s-]?(tool[\s-]?)?helper|\bchelper\b", re.I)
MCP_SERVERS = {
    "web-search": (r"web[\s_-]?search|search[\s_-]?prime|联网搜索|网络搜索|搜索", "devpack-mcp-web-search"),
    "web-reader": (r"web[\s_-]?reader|网页读取|网页阅读", "devpack-mcp-web-reader"),
    "vision": (r"vision mcp|vision understanding|\b(ui_to_artifact|extract_text_from_screenshot|diagnose_error_screenshot|"
               r"understand_technical_diagram|analyze_data_visualization|ui_diff_check|image_analysis|video_analysis)\b|\bvision (one|server|extension)\b|zai-mcp-server|mcp-server|视觉|图片理解|图像理解|图片识别|图像识别|识图|识别图片|"
               r"\b(images?|screenshots?|pictures?)\b.{0,60}\b(understand\w*|recogni\w*|analy\w*|read|see|drag\w*|drop\w*|"
               r"past(e|ing)\w*|upload\w*)|\b(drag\w*|drop\w*|past(e|ing)\w*|upload\w*|read|analy\w*) (an? |the |my )?(images?|"
               r"screenshots?|pictures?|png|jpe?g|webp)\b|\b(support\w*|load\w*|send\w*|attach\w*|process\w*|handl\w*|recogni\w*|view|"
               r"see|accept\w*) (an? |the |my |any )?(images?|screenshots?|pictures?|photos?)\b|(读|看|识别|上传|发送|粘贴)"
               r"(不了)?(图片|图像|截图)|(图片|图像|截图).{0,8}(看不到|读不了|识别不了|不支持|无法)",
               "devpack-mcp-vision-understanding"),
    # Zread reads public GitHub repositories: "an MCP for reading github repos" names it without its name
    "zread": (r"zread|\b(search_doc|get_repo_structure)\b|\b(read\w*|search\w*|understand\w*|explor\w*|analy[sz]\w*|brows\w*|query\w*)\b.{0,25}\b(github|"
              r"open[- ]source|public) (repos?|repositor\w+|projects?|codebases?)\b|(读|看|查|分析|理解|搜索).{0,8}(github|开源)\s*"
              r"(的)?(仓库|项目|代码)", "devpack-mcp-zread"),
}

# The servers' short names, which name one only in a follow-up beside another server named in full ("那 reader 的呢？")
MCP_SHORT = {"web-reader": r"(?<![\w-])(?<!screen )reader\b(?!\s*(mode|app|view))|读取(那个|的)",
             "vision": r"\bvision\b(?!\s*(model|pro))"}  # (Zread's full name is its short one)

ENDPOINTS = (  # (kind, pattern): the first that matches a URL names it
    ("coding", r"api\.z\.ai/api/coding/paas/v4"),
    ("anthropic", r"api\.z\.ai/api/anthropic"),
    ("mcp", r"api\.z\.ai/api/mcp"),
    ("general", r"api\.z\.ai/api/paas/v4"),
    ("bigmodel-coding", r"bigmodel\.cn/api/coding/paas/v4"),
    ("bigmodel-anthropic", r"bigmodel\.cn/api/anthropic"),
    ("bigmodel-general", r"bigmodel\.cn/api/paas/v4"),
)

# The API returns some errors in words the error-code page does not use; each maps to the page's code.
ERROR_ALIASES: dict[str, tuple[str, ...]] = {
    "1113": ("insufficient balance", "no resource package", "余额不足", "无可用资源包", "欠费"),
    "1302": ("并发数过高", "concurrency usage", "high concurrency"),
    "1303": ("频率过高", "high frequency usage"),
    "1305": ("访问量过大", "triggered a rate limit", "rate limit reached for requests"),
    "1308": ("usage limit reached", "使用上限", "已达到", "limit will reset"),
    "1309": ("package has expired", "套餐已到期", "套餐已过期", "has expired and is temporarily unavailable"),
    "1211": ("model does not exist", "模型不存在", "unknown model", "model not found"),
    "1301": ("unsafe or sensitive content", "敏感内容", "不安全"),
    "1002": ("invalid authentication token", "令牌无效"),
    "1003": ("token expired", "令牌已过期"),
    "1000": ("authentication failed", "身份验证失败", "认证失败"),
}
FAILURE = re.compile(
    r"\b(error|errors|fail|fails|failed|failing|failure|not working|doesn'?t work|does not work|won'?t work|"
    r"isn'?t working|broken|can'?t connect|cannot connect|unable to|keeps? (saying|showing|returning|giving)|"
    r"returns? (an? )?(error|4\d\d|5\d\d)|getting (an? )?(error|4\d\d)|exception|refused|rejected|denied|"
    r"invalid|unauthori[sz]ed|unusable|timeout|timed out|stuck|hangs?|crash(es|ed)?|(doing|done|went|goes|is) (something )?wrong|"
    r"(not|\w+n't) (being )?(recogni[sz]ed|found|accepted|responding|available|supported|applied|credited|compatible)|"
    r"incompatible|garbled|scrambled|rate[\s-]?limited|throttled|stopped work\w*|no longer work\w*|"
    r"(is|are|was|shows?|went|stays?) (completely |still )?(blank|empty)|(returned|returns|got|gets|getting) (an? )?"
    r"(empty|blank|no) (response|reply|output|answer)|"
    r"(doesn'?t|does not|don'?t) work anymore|won'?t (accept|start|connect|load)|"
    r"still (shows?|uses?|says|displays?|lists?) (me )?(the )?(old|previous|same|default|original)\b|"
    r"(do|does|did)(n'?t| not) (seem to )?(work|support|take effect|apply)|still (asks?|prompts?|requires?|wants?) "
    r"(me )?(to )?(log ?in|sign ?in|login)|keeps? asking|\w+(Error|Exception))\b|"
    r"报错|错误|失败|无法|不能用|用不了|不可用|不支持|不生效|没生效|没有生效|未生效|(要求|提示|需要)(重新)?登录|乱码|不显示|消失|不见了|"
    r"异常|出错|提示.{0,6}(不足|错误)|连接不上|超时|无权限|权限不足|没有权限|(看不到|找不到|不出现|没出现)(我)?(自己)?(加|配|设|添加|配置)的|"
    # a bug report's own label, and a display that shows nothing or the wrong thing
    r"^\s*\W?bug\b|\[\s*bug\s*\]|\bshows? (\"|')?[Nn]o (\w+ )?([Uu]sage|[Dd]ata|quota|models?|results?|output|limits?)\b|\b(shows?|displays?) (the )?wrong\b|\bswapped\b|"
    r"(显示|映射).{0,8}(错误|不对|对调|反了)|对调|取错")
# Quota going fast: a quota word and a speed in one sentence ("my weekly quota reached 52% in 6 hours", "5小时额度
# ... 用完", "usage grows fast"), not "what happens when I run out?".
_USAGE_WORD = r"\b(quota|quotas|usage|limit|limits|allowance|credits?)\b"
_SPEED = (r"\b(fast|faster|quickly|quick|rapidly|drain\w*|burn\w*|eat(s|ing)? (up|through)|abnormal\w*|excessive\w*|"
          r"(way|much|far) more than (expected|usual|before|normal)|(uses?|using|used|consum\w*|takes?|taking|eats?) "
          r"(way|much|far) more|too much)\b|\b\d+ ?% (in|after|within)\b|\b(in|after|within) (just |only )?(\d+|a few|few|one|"
          r"two|an?) (minutes?|hours?|prompts?|questions?|requests?|messages?)\b")
QUOTA_DRAIN = re.compile(
    rf"{_USAGE_WORD}[^.?!\n]{{0,100}}({_SPEED})|({_SPEED})[^.?!\n]{{0,60}}{_USAGE_WORD}|"
    # "out of my 5-hour quota by 10:40 after what felt like 60-ish prompts", "something is off with your metering"
    r"\b(out of|ran out of|run out of|used up|exhausted|hit)\b[^.?!\n]{0,30}\b(quota|limit)\b[^.?!\n]{0,20}\b(after|by|within)\b"
    r"[^.?!\n]{0,30}\d+\s*(-?ish\s*)?(prompts?|requests?|messages?|calls?|questions?)\b|\b(metering|meter)\b[^.?!\n]{0,20}"
    r"\b(is |seems |looks )?(off|wrong|broken|buggy)\b|\b(off|wrong|broken|buggy)\b[^.?!\n]{0,20}\b(counting|metering|quota "
    r"accounting)\b[^.?!\n]{0,12}\b(on )?(your|z\.?ai'?s) side\b|"
    # "now I'm out after ~90 minutes of the same kind of work"
    r"\b(i'?m|i am|we'?re|we are|was|were) out\b(?! of)[^.?!\n]{0,15}\bafter\b[^.?!\n]{0,15}\d+\s*(minutes?|mins?|hours?|"
    r"hrs?|prompts?)\b|"
    # "why does one question consume 20 prompts?": one ask counted as many
    r"\b(one|a single|each|every|1) (question|message|request|prompt|task)\b[^.?!\n]{0,20}\b(consumes?|uses?|takes?|eats?|"
    r"costs?|counts? as|burns?)\b[^.?!\n]{0,15}\d+ ?(prompts|requests|calls|%)|"
    r"(额度|用量|使用量|限额|计费|配额)[^。?!\n]{0,30}(很快|太快|更快|变快|这么快|那么快|(就|马上|一下子?|没多久|半小时|一小时|几分钟)(就)?用完|消耗(得)?(这么|那么|太|很|非常)?(大|快|多)|增长(很|得)?快|多次|变成 ?0|没了|"
    r"就没|耗尽|见底)|(多次|很快|太快)[^。?!\n]{0,10}(额度|用量)(消耗|扣)", re.I)
USAGE_QUERY = re.compile(
    r"\b(check|see|view|query|monitor|track|display|fetch|read)\w*\b.{0,40}\b(remaining|left|usage|quota)\b|"
    r"\busage[\s_-]?(query|stats|statistics|dashboard|monitor\w*|bar|data|details|panel|display|tracking|tracker)\b|"
    r"(?<![\w/])/usage\b|\bremaining (quota|usage)\b|glm-plan-usage|"
    r"(查看|查询|获取|显示|监控).{0,12}(额度|用量|使用量|余量|剩余)|(额度|用量|余量|剩余).{0,6}(监控|查询|查看)|剩余额度|"
    r"用量查询|额度查询", re.I)
# Usage read as evidence of a failure, not asked about: "When i check API usage it looks like this API was not even used"
USAGE_TOLD = re.compile(r"\b(i|we)\s+(can\s+|could\s+)?(check|checked|look|looked|see|saw)\b.{0,40}\b(usage|quota|stats|"
                        r"statistics|dashboard)\b.{0,40}\b("
                        r"looks?|shows?|showed|says|said|is|was|were|stays?|stayed|not (even )?(used|touched|counted))\b", re.I)
# The assistant asked to do a task itself ("can you write me a Python scraper that...", "帮我写个爬虫"): no page answers
# it, whatever plan or price its story names. Setting up a tool ("write me the config for OpenCode") is not one.
TASK_REQUEST = re.compile(
    r"\b(can|could|would|will) you\b.{0,25}\b(write|code|build|generate|implement)\b.{0,40}\b("
    r"scripts?|scrapers?|crawlers?|programs?|functions?|class|websites?|games?)\b|\b(write|code|build|generate|implement) "
    r"me\b.{0,40}\b(scripts?|scrapers?|crawlers?|programs?|functions?|websites?|games?)\b|"
    r"(帮我|给我|替我|你能不能|你可以|能不能|可以)(直接)?.{0,4}(写|生成|实现)(一?个|一段|一份|段|份)?.{0,24}"
    r"(爬虫|脚本|程序|代码|函数|网站|游戏)", re.I)
# what makes it a question about us after all: a setting, the API or its examples, the plan and its policies
_SETUP_WORDS = re.compile(r"\b(config\w*|settings?|json|mcp|base ?url|endpoint|env\w*|api|sdk|key|provider|glm[\w.-]*|z\.?ai|"
                          r"docs?|documentation|example|streaming|usage|quota|refund|plan|subscription)\b|配置|环境变量|接口|"
                          r"密钥|套餐|文档|用量|额度|退款|订阅|示例", re.I)
# A request to a tool's maintainers or to Z.ai ("please add", "[Feature]", "能否支持"): the docs document what is,
# so what is asked for is rarely in them.
FEATURE_REQUEST = re.compile(
    r"\[\s*(feature|feat|enhancement|建议|功能请求|需求)|\bfeature[\s_-]?request|\b(is there|are there|any) (any )?"
    r"planned\b.{0,40}\bsupport\b|\b(is there|are there) (any )?plans? to (add|support)\b|\bsupport (planned|coming)\b|\b(please|pls|could you|can you|can we|would you) "
    r"(add|support|implement|include)\b|\bwould it be (ok|okay|possible|fine|alright) to (add|support|implement|include)\b|\badd support for\b|\b(would|it'?d) (love|like|be (nice|great|good))\b|"
    r"^\s*\W?(feat|feature|enhancement|fr)\b|^\s*(add|support (for|of))\b|\bfeature\s*:|\bI (propose|suggest)\b|\bproposed "
    r"(feature|solution|change)\b|\[\s*(提议|建议|需求)|考虑(支持|增加|添加|加入)|"
    r"\bplease add\b|\b(get|have) ([\w-]+ ){0,3}(added|listed|included|approved|whitelisted) (to|in|on)\b|能否(支持|增加|添加|加入)|希望(支持|增加|添加|加入)|建议(支持|增加|添加|加入)|(请|麻烦)(支持|增加|添加|加入)", re.I)
# The tool changed, not the plan: "stopped working after the update", "downgraded to 1.0.134 and it works".
REGRESSION = re.compile(
    r"\b(after|since) (the |this |today'?s? |a |an )?(morning'?s? )?(latest |recent |last )?(update|upgrade|upgrading|"
    r"updating|new version|release)\b|\bdowngrad\w*|\bregression\b|stopped work\w* (at|in|after|since|with) v?\d|"
    r"升级(后|之后)|更新(后|之后)|降级", re.I)
# What was upgraded is the subscription, not the tool: "after upgrading from Lite to Pro", "套餐升级后".
PLAN_CHANGE = re.compile(r"\b(lite|pro|max|plan|subscription|tier|annual|yearly|quarterly|monthly)\b|套餐|订阅|包月|包年", re.I)


# "in Japan", "with Python 3.8", "on WSL", "through a VPN": a place, a runtime or a network, never a coding tool nor a
# use of the plan (an operating system is a setup detail: "Claude Code on Windows" is still Claude Code's setup)
PLACES_AND_PLATFORMS = re.compile(r"(japan|brazil|korea|germany|france|uk|canada|australia|singapore|vietnam|indonesia|turkey|"
                                  r"mexico|europe|asia|africa|america|russia|india|iran|hong kong|taiwan|"
                                  r"python( ?\d[\w.]*)?|node(\.js)?( ?\d[\w.]*)?|java|wsl|vpn|macos|ubuntu|debian|docker|"
                                  r"powershell|cmd)", re.I)


def _on_china_platform(ask: str) -> bool:
    """The China platform is theirs: named, and not ruled out ("不是 open.bigmodel.cn", "moved over from it")."""
    for m in CHINA_PLATFORM.finditer(ask):
        before = ask[max(0, m.start() - 25):m.start()].lower()
        if not re.search(r"(不是|不用|没用|并非|而不是|not|n't use|don'?t use|moved (over )?from|switched from|instead of)\s*"
                         r"(the |https?://)?(open\.)?$", before):
            return True
    return False


# the China platform said to be theirs: "I bought my coding plan on open.bigmodel.cn", "在智谱开的套餐"
CHINA_OWN = re.compile(r"\b(bought|subscribed|purchased|registered|signed up|my (account|plan|key|subscription))\b.{0,40}"
                       r"(bigmodel|zhipu|智谱)|(bigmodel|zhipu|智谱).{0,20}\b(account|plan|subscription)\b|在智谱|智谱(的)?(账号|套餐|平台买)|"
                       r"国内版", re.I)


def _tool_regression(ask: str) -> bool:
    """A failure that came with a new version of their tool; an upgrade of the plan (its name or "plan" within a few
    words of the upgrade) is not one."""
    for m in REGRESSION.finditer(ask):
        near = ask[max(0, m.start() - 30):m.end() + 40]
        if re.search(r"upgrad|downgrad|升级|降级", m.group(0), re.I) and PLAN_CHANGE.search(near):
            continue
        if re.match(r"\s*(of|to|on)\s+(the\s+)?(plan|pricing|subscription|website|site|docs?|z\.?ai|usage|dashboard)",
                    ask[m.end():m.end() + 40], re.I):
            continue  # "since the last update of the plan page": the site changed, not their tool
        return True
    return False
# Their own order or payment, told as what happened: "I paid", "my subscription shows", "我买了".
OWN_ACCOUNT = re.compile(
    r"\b(i|we) (have |had |just |already )?(paid|bought|purchased|subscribed|upgraded|renewed|was charged|got charged|"
    r"cancell?ed|topped up)\b[^.?!\n]{0,80}\b(but|still|not|never|no longer|wasn'?t|didn'?t|haven'?t|isn'?t|can'?t)\b|"
    r"\bmy (account|subscription|order|payment|invoice|card)\b.{0,40}\b(shows?|says?|still|not|never)\b|"
    # money moved on their account: "renewal took $9.40 out of my cash balance", "got auto-renewed this morning"
    r"\b(took|taken|deducted|debited|charged|billed|withdrew|withdrawn)\b[^?!\n]{0,40}\b(from|out of|to|on) my "
    r"(cash |credits? |account |paypal |bank |credit )?(balance|credits?|card|account|paypal)\b|"
    r"\b(got|was|been|i was|we were) (auto[- ]?)?(renewed|charged|billed)\b|\b(i|we) (did not|didn'?t|never) authori[sz]e\b|"
    r"我(已经|刚)?(买|购买|订阅|充值|付款|支付|升级|续费)了.{0,30}(但|却|还是|没有|不|显示)|我的(账号|账户|订阅|订单).{0,10}(显示|还是|没有|不)", re.I)
# Bans, suspensions, risk control: how the terms are enforced is not in the docs.
ENFORCEMENT = re.compile(r"\b(ban|bans|banned|banning|suspend\w*|suspension|risk[\s-]control|blacklist\w*)\b|封号|封禁|"
                         r"风控|被封|\b(account|plan|subscription)\b[^.?!\n]{0,30}\b(locked|disabled|deactivated|terminated|"
                         r"restricted|frozen)\b|\blocked (me )?out\b|\bappeal\w*\b|\brestriction (notice|warning|email)\b|(账号|账户|套餐).{0,6}(被)?(锁|冻结|停用|限制使用)|"
                         r"申诉", re.I)
# An appeal about referral credits ("返利发少了，还能申诉吗") is the campaign's objection window, not an appeal of a ban
APPEAL_OF_CREDITS = re.compile(r"(返利|返佣|邀请|积分|赠金|credits?|referrals?|invit\w*|rewards?)[^.?!。？！\n]{0,40}(申诉|\bappeal\w*)|"
                               r"(申诉|\bappeal\w*)[^.?!。？！\n]{0,30}(返利|返佣|邀请|积分|赠金|credits?|referrals?|invit\w*|rewards?)",
                               re.I)
# A matter of their account or money the docs cannot settle: a charge, a bonus or credit not received, a refund.
ACCOUNT_MATTER = re.compile(
    r"\bwhy (was|were|am|did) (i|we|you|they) (get )?(charged|billed)\b|\bcharged (me )?(\$|usd ?)?\d|"
    r"\b(paid|renewed|bought|purchased|subscribed)\b[^.?!\n]{0,40}\b(but|yet)\b[^.?!\n]{0,40}\b(expired|not active|inactive)\b|"
    r"\b(expired|not active|inactive)\b[^.?!\n]{0,40}\b(but|yet|though|although)\b[^.?!\n]{0,40}\b(paid|renewed|bought|"
    r"purchased|subscribed)\b|"
    r"\b(charged|billed|paid|payment|invoice|bonus|credits?|refund\w*|promo\w*)\b[^.?!\n]{0,80}\b(not|never|without|missing|"
    r"twice|double|wrong|no)\b|\b(not|never|without|missing)\b[^.?!\n]{0,40}\b(charged|billed|bonus|credited|refund\w*)\b|"
    r"重复扣费|重复(扣款|收费|付款)|扣费.{0,10}(错误|异常|两次)|(charge|扣款|扣费|扣|收费|付款)\s*了?\s*(两|2|二)次|两笔|(没有|未)到账|没收到.{0,6}(赠送|奖励|额度)", re.I)
# GLM's open weights run on their own hardware: the docs are about Z.ai's hosted API and the plan, not that.
# (a self-hosted GitLab or proxy is the subscriber's own infrastructure, not GLM's weights)
SELF_HOSTED = re.compile(r"\b(vllm|sglang|ollama|llama\.?cpp|lm ?studio|self[- ]?host\w*(?! (gitlab|gitea|git|github|forgejo|"
                         r"bitbucket|runners?|repos?|repositor\w*|proxy|gateway|litellm|dify|n8n|open ?webui|mcp|searx\w*|"
                         r"wiki|infrastructure|infra|stack|backend|database|apps?|applications?|sites?|services?)\b)|locally hosted|gguf|awq|gptq|"
                         r"exllama\w*|modelscope|tensor[- ]parallel|--tool-call-parser|--reasoning-parser)\b|本地部署|私有化部署|"
                         r"自部署|自己部署", re.I)
SPOOF = re.compile(r"\b(simulat\w*|pretend\w*|spoof\w*|impersonat\w*|fake|faking|disguis\w*|masquerad\w*)\b.{0,40}"
                   r"\b(tool|client|agent|user[- ]?agent|header|identity|claude code|openclaw)\b|伪装|模拟成|冒充", re.I)
# What a subscriber asks a support desk about that is no other company's business: paying, invoices, their account.
# An ask about these that the docs don't answer gets "not in the docs" and a person, never "I only help with...".
SUPPORT_MATTER = re.compile(r"\b(invoices?|vat|receipts?|billing|payments?|pay with|alipay|wechat pay|paypal|refunds?|"
                            r"upgrad\w*|downgrad\w*|subscription|renew\w*|"
                            r"discounts?|coupons?|promo codes?|vouchers?|free trial|student (discount|plan|pricing)|"
                            r"my (z\.?ai )?account|account (email|password|deletion)|api keys?|quota|prompts? quota)\b|发票|付款|"
                            r"支付|支付宝|微信支付|退款|我的账号|我的账户|上限|限额|额度|套餐|包月|包季|包年|订阅|续费|转让|退订|"
                            r"能订|怎么订|订不了|验证码|注册|返利|返佣|邀请|积分|赠金|"
                            r"\b(the|my|your) (coding |glm |z\.?ai )?plan\b(?! for)|\b(enterprise|sso)\b.{0,30}\b(z\.?ai|glm|"
                            r"coding plan|subscription)\b", re.I)
# Calling a plan service outside a coding tool: the REST API, curl, an SDK, their own script.
# The general API used by choice: paid per use, from their own code ("自己写的 agent，按量付费那种")
BY_CHOICE = re.compile(r"\bpay[- ]as[- ]you[- ]go\b|\bnot (on |through |via )?(the|a|my) (coding )?plan\b|按量(付费|计费)|"
                       r"(自己|自研|自建)(写|做|开发)?的?.{0,6}(agent|应用|程序|代码|服务|脚本)|"
                       r"\b(my|our) own (agent|app|code|script|service|product|backend)\b|"
                       r"\b(building|writing|developing|making) (an?|my|our) (own )?(agent|app|application|script|service|"
                       r"backend|product)\b", re.I)
# The plan set aside in so many words: "general API，不是 coding plan", "跟我的 Lite 套餐无关", "not the coding plan this time"
NOT_THE_PLAN = re.compile(r"\bnot (on |through |via |using )?(the|my|a) (glm )?coding plan\b|\bnot the (coding )?plan\b|\b(unrelated|"
                          r"nothing to do) (to|with) (the|my) (coding )?plan\b|\bseparate(ly)? from (the|my) (coding )?plan\b|"
                          r"(不是|不走|不用|非)\s*(编码|编程)?(套餐|coding ?plan)|(跟|和|与)(我的)?.{0,8}(套餐|coding ?plan)\s*(无关|没关系)",
                          re.I)
# The plan's own key or quota, or its endpoint, in the message: whatever else it says, the plan is what they use
PLANS_OWN = re.compile(r"\b(plan|coding plan|subscription)('s)? (api )?(key|quota)\b|套餐的?\s*(api\s*)?(key|额度)|api/coding/paas",
                       re.I)
BALANCE_CHARGED = re.compile(r"\b(deduct\w*|charg\w*|bill\w*)\b.{0,30}\bbalance\b|\bbalance\b.{0,30}\b(deduct\w*|charg\w*)|"
                             r"扣.{0,6}余额|余额.{0,6}扣", re.I)
DIRECT_CALL = re.compile(r"\b(rest ?api|rest one|rest endpoint|curl|python sdk|(python|node|js|typescript|go) (mcp )?sdk|"
                         r"langchain|langgraph|llama[- ]?index|autogen|crewai|semantic kernel|vercel ai sdk|"
                         r"(from|in|with) (my|our) own (python |node |js )?(script|app|code|program|service)|"
                         r"mcp (package|sdk)|(?<![/@\w-])sdk(?![/\w.-])|(from|in|inside|within|via|through|into|with) my (own )?(script|code|app|program)|"
                         r"(my|our) (own |small |little |simple |python |node |nightly )?(script|cron ?job)s?|it'?s a (small |little |"
                         r"simple |python |nightly )?script|"
                         r"my (own )?(script|code|app|program) (that )?(calls?|calling|uses?|using|invok\w*|hits?|sends?)|programmatic\w*|directly (call\w*|"
                         r"invok\w*|via)|call\w* (it|them|the api) directly|testing the (rest )?api directly)\b|直接调用|"
                         r"自己的(代码|程序|脚本)|自己写的.{0,10}(脚本|代码|程序)|(python|node|java|go) ?(脚本|程序)|运行代码|跑代码|"
                         r"在代码(里|中)|代码(里|中)调用", re.I)
MCP_OTHERS = re.compile(r"\bother (three|3|two|2|ones|servers|tools)\b|\bthe others\b|\bthe rest\b|另外|其他|其余", re.I)
QUESTION_START = re.compile(
    r"^(how|what|what's|whats|which|where|when|why|who|is|are|am|was|were|do|does|did|can|could|should|would|will|"
    r"may|has|have|any|anyone|is there|are there)\b", re.I)
# A Chinese sentence asks when it ends on 吗/呢/么 or opens with an interrogative; 几 or 多少 inside a statement
# ("发现没聊几个问题") does not make it a question.
ZH_QUESTION = re.compile(r"[吗呢么嘛][\s?？!！。.…]*$|[吗呢]\s*[，,]\s*(还是|或者|或是)|^\W*(请问|求助|为什么|为何|怎么|怎样|如何|是否|能否|可否|有没有|是不是|哪|什么|咋|多少|几)|"
                         # a question asked without a question mark: "能退不", "有命令不", "要等多久才能接着用", "能不能改"
                         r"(能|可以|行|会|有|要)[^，。,\s]{0,6}(不|没)[\s?？!！。.…]*$|(?<![没不])多久|能不能|可不可以|会不会|为啥")
# Issue templates put these above the real content; they are structure, not the subscriber's ask.
_TEMPLATE_WORDS = (r"(describe the bug|bug description|description|steps to reproduce|to reproduce|reproduction|"
                   r"expected( behaviou?r)?|actual( behaviou?r)?|environment|logs?|error output|screenshots?|additional "
                   r"(context|information)|version|what happened\??|what did you expect.*|operating system|os|self check|"
                   r"system info(rmation)?|problem|motivation|"
                   r"问题描述|复现步骤|期望(行为|结果)?|实际(行为|结果)?|环境|日志|截图|版本|补充(信息|说明)?|系[统統]信息|问题或动机)")
# An issue template's heading, in one language or both ("System Info / 系統信息", "问题描述 · Description"): neither the
# ask nor a sign of the subscriber's language.
TEMPLATE_HEADING = re.compile(rf"^(#+\s*|\*\*)?\s*{_TEMPLATE_WORDS}(\s*[/·|]\s*{_TEMPLATE_WORDS})*\s*(\*\*)?\s*[:：]?\s*$",
                              re.I)
_PASTED_LINE = re.compile(
    r"^\s*([{}\[\]]|\"[^\"]+\"\s*:|'[^']+'\s*:|<[/a-z!]|at\s+\S+\s*\(|File \"|Traceback|\$\s|>>>|>\s|//|#!|"
    r"\[?\d{4}[-/]\d{2}[-/]\d{2}[ T\]]|\[?\d{2}:\d{2}:\d{2}|\[?(ERROR|WARN|WARNING|INFO|DEBUG|TRACE)\b|"
    r"(export\s+)?[A-Z][A-Z0-9_]{2,}\s*=|[\w.-]+\s*=\s*[\"'\[{]|(curl|npm|npx|pip|node|python|claude|opencode)\s+-|"
    r"(API )?Error:|[A-Za-z]*(Error|Exception)\b[:(]|error(\[\w+\])?:|\s{4,}\S|"
    # a tool's own output: npm's log, a file:// frame, a CLI wizard's prompts and status marks, a runtime's banner
    r"npm (ERR!|WARN|error|notice)|file:///|\?\s[A-Z][^?]{2,60}:\s|[✖✔✓✗⎿◇◆│└├]\s|Node\.js v\d|"
    # a line of code: an import, a definition, an assignment from a call
    r"(import\s+(\{|\*|[\w.]+\s*(;|$|,|\s+from\b|\s+as\b))|from\s+[\w.]+\s+import\b|def\s+\w+\(|class\s+\w+[(:]|"
    r"(const|let|var)\s+\w+\s*=|"
    r"[\w.\[\]]+\s*=\s*[\w.]+\())")
_FENCE = re.compile(r"```.*?(```|$)|~~~.*?(~~~|$)", re.S)
_URL = re.compile(r"https?://[^\s\"'<>)\]，。]+|\b(?:api\.z\.ai|open\.bigmodel\.cn)/[^\s\"'<>)\]，。]*")
_NUMBER_UNIT = re.compile(
    r"(\$\s?\d+(?:\.\d+)?|\d+(?:[.,]\d+)?\s?(?:%|usd|dollars?|美元|元|prompts?|requests?|calls?|tokens?|k|m|hours?|h|"
    r"days?|weeks?|months?|minutes?|次|小时|天|周|个月|月))", re.I)


def _pages_errors(corpus_dir: Path | None) -> dict[str, str]:
    """Business and HTTP codes with their message as the error-code page states them."""
    if corpus_dir is None or not (corpus_dir / "api-reference-errors.md").is_file():
        return {}
    return error_table(str(corpus_dir / "api-reference-errors.md"))


@lru_cache(maxsize=4)
def error_table(path: str) -> dict[str, str]:
    """Codes with their message as the error-code page states them: business codes ("1113") from the business
    table; HTTP statuses ("429") from the status table, where one status has several reasons, joined by " / "."""
    text = frontmatter.load(path).content
    table: dict[str, str] = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and re.fullmatch(r"\d{4}", cells[1]):
            table.setdefault(cells[1], cells[2])
        elif len(cells) == 3 and re.fullmatch(r"[45]\d\d", cells[0]):
            table[cells[0]] = f"{table[cells[0]]} / {cells[1]}" if cells[0] in table else cells[1]
    return table


@lru_cache(maxsize=4)
def documented_models(corpus_dir: str) -> frozenset[str]:
    """Every model name the docs mention ("glm-4.7", "glm-4.6v-flash", "glm-5"), to tell a later version apart."""
    names: set[str] = set()
    for path in Path(corpus_dir).glob("*.md"):
        names.update(m.lower().rstrip(".") for m in re.findall(r"glm-[0-9][0-9a-z.-]*", path.read_text(encoding="utf-8"),
                                                                   re.I))
    return frozenset(names)


@lru_cache(maxsize=4)
def _page_texts(corpus_dir: str) -> dict[str, str]:
    """Each page's text, lowercased, by document id: read once for the word list and the topic checks."""
    return {path.stem: path.read_text(encoding="utf-8").lower() for path in Path(corpus_dir).glob("*.md")}


@lru_cache(maxsize=4)
def documented_words(corpus_dir: str) -> frozenset[str]:
    """Every word the docs use, lowercased: a product name outside it is one the docs never mention."""
    return frozenset(word for text in _page_texts(corpus_dir).values()
                     for word in re.findall(r"[a-z0-9][a-z0-9.+_-]*[a-z0-9+]|[a-z0-9]", text))


# A product's name as subscribers write it: CamelCase ("ZCode", "RepoPrompt"), or a capitalised word after "in",
# "from", "with", "using", "via", "into" ("from Zen"); a class name ("RateLimitError") is no product.
_PRODUCT_NAME = re.compile(r"(?<![\w./@-])(?:[A-Z][a-z]+[A-Z][A-Za-z0-9]*|[A-Z]{1,3}[A-Z][a-z]{2,}[A-Za-z0-9]*|(?:(?<=\bin )|(?<=\bfrom )|(?<=\bwith )|"
                           r"(?<=\busing )|(?<=\bvia )|(?<=\binto ))[A-Z][A-Za-z0-9]+)(?![\w./@-])")
_NOT_PRODUCT = re.compile(r"(error|exception|session|client|request|response|config|settings?|key|keys|token|url)$|^(zhipu\w*|bigmodel\w*|"
                          r"zai|glm\w*|chinese|english|china|mac|macos|windows|linux|ubuntu|wsl|docker|json|yaml|python|"
                          r"node|npm|github|google|chrome|vpn|pro|max|lite|plan|plus|team|utc|gmt|cst|pst|est|beijing|shanghai|singapore|"
                          r"japan|europe|usa|asia|hong|kong|taiwan|korea|india|russia|oauth|brazil|germany|france|canada|visa|mastercard|"
                          # a month or a day ("installed back in November") is no product
                          r"january|february|march|april|may|june|july|august|september|october|november|december|"
                          r"jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec|monday|tuesday|wednesday|thursday|friday|"
                          r"saturday|sunday|today|yesterday|tomorrow)$", re.I)


def _unknown_names(ask: str, corpus_dir: Path | None) -> tuple[str, ...]:
    """Products the ask names that the docs never mention (ZCode, Zen, RepoPrompt): whatever passage comes closest,
    the docs don't cover them, and the answer says so."""
    if corpus_dir is None:
        return ()
    known = documented_words(str(corpus_dir))
    aliases = {a for names, _ in TOOLS.values() for a in names}
    return tuple(dict.fromkeys(
        name for name in _PRODUCT_NAME.findall(ask) if len(name) > 2 and name.lower() not in known and name.lower() not in aliases
        and name.lower() not in OTHER_TOOLS and not _NOT_PRODUCT.search(name)))


# Title words that say what kind of page it is, not what it is about ("Vision MCP Server" is about vision).
_TITLE_KIND = re.compile(r"\b(mcp|server|mode|messages|policy|plugin|calls|sdk|overview|quick start|faq|faqs|"
                         r"introduction|errors|pricing|new released|other tools)\b|[^a-z0-9 ]")


# A page's topic as a Chinese message or answer names it: the lead's words, and what a Chinese rules answer says
TOPIC_ZH = {"thinking": "思考模式", "streaming": "流式输出", "vision": "视觉理解", "web search": "联网搜索",
            "web reader": "网页读取", "zread": "zread"}


@lru_cache(maxsize=4)
def page_topics(corpus_dir: str) -> dict[str, str]:
    """The topic each page is about, from its title ("thinking" -> guides-thinking-mode, "web search" ->
    devpack-mcp-web-search): a page of its own on something the ask names. Titles that only say the page's kind
    (FAQ, Overview, Errors, Pricing) or run several topics together ("Subscriptions, Fees, and Payment") name
    none; nor do the coding tools' pages, which the analysis already reads as tools."""
    topics: dict[str, str] = {}
    for path in sorted(Path(corpus_dir).glob("*.md")):
        if path.stem.startswith("devpack-tool-"):
            continue
        title = str(frontmatter.load(path).get("title", "")).lower()
        if "," in title:
            continue
        topic = re.sub(r"\s+", " ", _TITLE_KIND.sub(" ", title)).strip()
        if len(topic) >= 4:
            topics.setdefault(topic, path.stem)
    return topics


def _topic_outside_tool(tools: tuple[str, ...], topics: tuple[str, ...], corpus_dir: Path | None) -> tuple[str, ...]:
    """(tool, topic) when the ask wants a feature inside the tool it uses ("deep thinking for GLM-5 in Claude Code")
    and the docs never put the two together: the tool's page never names the topic and the topic's page never
    names the tool. The docs then explain the feature for the API only, and the answer says so."""
    if corpus_dir is None or not tools or not topics:
        return ()
    texts, topic_of = _page_texts(str(corpus_dir)), {doc: topic for topic, doc in page_topics(str(corpus_dir)).items()}
    tool, doc = tools[0], TOOLS[tools[0]][1]
    for page in topics:
        # an MCP server's page sets it up for any MCP client ("other MCP clients"): only the API guides are API-only
        if not page.startswith("guides-") or page not in topic_of:
            continue
        topic = topic_of[page]
        if topic not in texts.get(doc, "") and not any(alias in texts.get(page, "") for alias in TOOLS[tool][0]):
            return TOOL_NAMES.get(tool, tool), topic
    return ()


@dataclass(frozen=True)
class ErrorRef:
    code: str  # business code ("1113") or HTTP status ("429")
    kind: str  # "business" or "http"
    said: str = ""  # the words of the message that named it, when it was named by its message


@dataclass(frozen=True)
class Message:
    raw: str
    ask: str
    pasted: str = ""
    questions: tuple[str, ...] = ()
    language: str = "en"
    errors: tuple[ErrorRef, ...] = ()
    tools: tuple[str, ...] = ()
    other_tools: tuple[str, ...] = ()
    compared_tools: tuple[str, ...] = ()  # named only as a comparison ("works in Cursor", "like in Cline")
    endpoints: tuple[str, ...] = ()
    endpoints_shown: tuple[str, ...] = ()  # those shown as URLs ("the coding endpoint is slow" names one in words only)
    urls: tuple[str, ...] = ()
    plans: tuple[str, ...] = ()
    models: tuple[str, ...] = ()
    mcp: tuple[str, ...] = ()
    numbers: tuple[str, ...] = ()
    failing: bool = False  # the subscriber reports something not working
    subscriber: bool = False  # the message says they have the Coding Plan
    protocol: str = ""  # "anthropic" when the tool speaks Anthropic's Messages API (/v1/messages, x-api-key, ...)
    off_plan_use: bool = False  # a bot, a website, an app of their own: uses the plan's terms exclude
    other_vendor: bool = False  # another company's plan or model (Kimi, Qianfan, MiniMax, ...), not Z.ai's
    unknown_models: tuple[str, ...] = ()  # models the message names that the docs never mention (GLM-5.2, ...)
    unknown_names: tuple[str, ...] = ()  # products the ask names that the docs never mention (ZCode, Zen, ...)
    quota_drain: bool = False  # the plan's quota or usage is going faster than they expect
    usage_query: bool = False  # about reading their usage or remaining quota (a command, a page, a query failing)
    mcp_others: bool = False  # an MCP setup where some servers work and "the others" fail
    account_matter: bool = False  # a charge, a bonus or credits not received: a person must look at the account
    direct_call: bool = False  # calling a plan service from an SDK, curl, the REST API or their own code
    pays_per_use: bool = False  # uses the general API as such, by choice ("my own agent on api/paas/v4, pay-as-you-go")
    feature_request: bool = False  # asks a tool's maintainers or Z.ai to add something
    regression: bool = False  # it broke with a new version of their tool
    enforcement: bool = False  # asks about bans, suspensions, risk control
    own_account: bool = False  # tells what happened to their own order, payment or subscription
    names_zai: bool = False  # names GLM, Z.ai, Zhipu or bigmodel
    self_hosted: bool = False  # runs GLM's open weights themselves (vLLM, SGLang, Ollama, a quantised copy)
    task_request: bool = False  # asks the assistant to do a task itself (write a scraper, an essay), nothing of the plan
    topics: tuple[str, ...] = ()  # pages of their own on what the ask names ("deep thinking": guides-thinking-mode)
    topic_outside_tool: tuple[str, ...] = ()  # (tool, topic) the docs never put together ("Claude Code", "thinking")
    china_platform: bool = False  # asks about Zhipu's China platform (open.bigmodel.cn), which the docs don't cover
    outage: bool = False  # the service is slow or down right now: no page covers an incident
    hosted_elsewhere: str = ""  # another company's service the message calls (OpenRouter, SiliconFlow, ModelScope...)
    mistyped: tuple[str, ...] = ()  # URLs on Z.ai's API host that are none of its endpoints (a typo: ".../pass/v4")

    @property
    def on_topic(self) -> bool:
        """Names the plan, Z.ai, a tool, an error, an endpoint or an MCP server: whatever the docs lack, it is no
        question for another company, so an abstention says the docs don't answer it, not "I only help with..."."""
        return bool(self.names_zai or self.subscriber or self.tools or self.mcp or self.errors or self.endpoints
                    or self.plans or SUPPORT_MATTER.search(self.ask))

    @property
    def personal(self) -> bool:
        """About their own case (something failing, a charge, a request, their account), not a general question:
        whatever the docs say, a person who can look at the account is offered too."""
        return (self.failing or self.account_matter or self.feature_request or self.regression or self.enforcement
                or self.quota_drain or self.own_account)

    def leaning_on(self, earlier: "Message") -> "Message":
        """A short follow-up ("how do I fix it?") read with what the earlier message named: its errors, tools,
        endpoints, models and MCP servers, never its words."""
        merged = {name: tuple(dict.fromkeys(getattr(self, name) + getattr(earlier, name)))
                  for name in ("errors", "tools", "endpoints", "endpoints_shown", "urls", "plans", "models", "mcp",
                               "unknown_models")}
        return replace(self, **merged, subscriber=self.subscriber or earlier.subscriber,
                       protocol=self.protocol or earlier.protocol,
                       failing=self.failing or earlier.failing or bool(earlier.errors))

    @property
    def told(self) -> str:
        """The ask without its question sentences: the story the subscriber tells around what they ask."""
        told = self.ask
        for question in self.questions:
            told = told.replace(question, " ")
        return told

    @property
    def focus(self) -> str:
        """The words the layers match on: the question sentences when there are any, else the whole ask."""
        return " ".join(self.questions) if self.questions else self.ask

    @property
    def tool_docs(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(TOOLS[t][1] for t in self.tools))

    @property
    def business_codes(self) -> tuple[str, ...]:
        return tuple(e.code for e in self.errors if e.kind == "business")

    @property
    def http_codes(self) -> tuple[str, ...]:
        return tuple(e.code for e in self.errors if e.kind == "http")

    @property
    def has_paste(self) -> bool:
        return bool(self.pasted.strip())

    def summary(self) -> dict:
        """What the analysis found, for the answer's trace and the LLM prompt (no raw text)."""
        data = {"ask": self.ask[:500], "language": self.language, "errors": [e.code for e in self.errors],
                "tools": list(self.tools), "endpoints": list(self.endpoints), "plans": list(self.plans),
                "models": list(self.models), "mcp": list(self.mcp), "failing": self.failing,
                "quota_drain": self.quota_drain, "usage_query": self.usage_query, "pasted_chars": len(self.pasted),
                "topics": list(self.topics), "unknown_names": list(self.unknown_names)}
        return {k: v for k, v in data.items() if v not in ([], "", 0, False)}


def word_count(text: str) -> int:
    """Words, with Chinese counted as about two characters a word (it has no spaces to split on)."""
    return len(re.findall(r"[A-Za-z0-9_]+", text)) + len(re.findall(r"[\u4e00-\u9fff]", text)) // 2


def is_chinese(text: str) -> bool:
    """Written in Chinese: Han characters, no kana (Japanese writes kanji too, and is not answered in Chinese), and a
    Han character for every two English words ("Max 降 Pro", "Windows 上 Factory Droid 的 settings.json 放哪"), Chinese
    words in two places or more ("Claude Code 里 Request timed out 了，用的 glm"), or a message that opens in Chinese
    before pasting English ("用 OpenCode 报错 1210，input tokens exceeds the model's maximum context length"); URLs, code
    and paths count as no words. An English message naming one Chinese word ("someone picked 中文 in the wizard before
    me, I can't read it", "智谱 Coding Plan question: how many prompts does Lite get?") is English."""
    han = sum("\u4e00" <= ch <= "\u9fff" for ch in text)
    if not han or any("\u3040" <= ch <= "\u30ff" for ch in text):
        return False
    words = len(re.findall(r"[A-Za-z]{2,}", re.sub(r"https?://\S+|`[^`\n]*`|\S+[./_]\S+", " ", text)))
    opens_in_chinese = bool(re.match(r"\W*[\u4e00-\u9fff]", text))
    runs = set(re.findall(r"[\u4e00-\u9fff]+", text))  # Chinese grammar between English terms: "Claude Code 里 ... 了，用的 glm"
    return 2 * han >= words or len(runs) >= 2 or opens_in_chinese and 3 * han >= words


# "[Feature Request] ...", "[Bug]: ...", "[提议]...": an issue title's tag, the subscriber's own words; a log line's
# "[2026-05-18]" or "[ERROR]" and a JSON array are not.
_TITLE_TAG = re.compile(r"^\s*\[\s*(?!\d)(?!(error|info|warn|warning|debug|trace|fatal|err|critical)\s*\])[^\]\[{}\"'\d:,]{1,24}\]\s*"
                        r"[:：]?\s*[^\s\[{]", re.I)


def _is_pasted(line: str) -> bool:
    stripped = line.strip()
    if not stripped:
        return False
    if _PASTED_LINE.match(line) and not _TITLE_TAG.match(line):
        return True
    if _URL.fullmatch(stripped):
        return True
    letters = sum(ch.isalpha() or ch.isspace() or "\u4e00" <= ch <= "\u9fff" for ch in stripped)
    return len(stripped) >= 24 and letters / len(stripped) < 0.62  # mostly punctuation and digits: machine output


# Another product's own limits ("Claude limits are too fussy", "Cursor's usage cap") are not the plan's quota,
# unless the two are compared ("how does Lite compare to Claude Pro's usage?").
_FOREIGN_QUOTA = re.compile(r"\b(claude|anthropic|cursor|copilot|chatgpt|openai|gemini|kimi|codex|windsurf)('s)?"
                            r"( code| pro| max| plus)?('s)? (usage )?(limits?|quotas?|usage|rate[ -]limits?|caps?)\b|"
                            # "I can see it in the usage of my openai account": that account's usage, not the plan's
                            r"\b(usage|quotas?|limits?|billing)\b (?=(page |dashboard )?(of|on|in) (my |the )?(claude|anthropic|cursor|"
                            r"copilot|chatgpt|openai|gemini|kimi|codex|windsurf)\b)", re.I)
_COMPARED = re.compile(r"compar|\bvs\.?\b|\bthan\b|\btimes\b|×|倍|相比|对比", re.I)


def without_foreign_quota(text: str) -> str:
    """The text with another product's quota words taken out ("Claude limits" -> "Claude")."""
    if _COMPARED.search(text):
        return text
    return _FOREIGN_QUOTA.sub(lambda m: m.group(1) or " ", text)


# The service slow or down right now ("z.ai is super slow today", "is glm down?", "服务挂了"): an incident, which no page
# covers; "which model is faster?" is not one.
OUTAGE = re.compile(r"\b(is (z\.?ai|glm|it|the (api|service|server|coding plan)) (down|so slow|slow)|(z\.?ai|glm[\w.-]*|"
                    r"the (api|service|server|model)|responses?) (is |are )?(very |super |so |really |extremely |insanely |"
                    r"too )?slow (today|now|lately|recently|this (morning|week))|(z\.?ai|glm[\w.-]*|the (api|service|server)|"
                    r"responses?) (is |are )(very|super|so|really|extremely|insanely|painfully|too) slow|"
                    # "everything on the coding endpoint is super slow since 09:30"
                    r"(everything (on|with) (the |your )?(coding |plan )?(endpoint|api|plan|service)|endpoint) (is |are )(very |"
                    r"super |so |really |extremely |insanely |painfully |too )?slow|"
                    r"(outage|downtime)|(service|api|server|servers|z\.?ai|glm) (is |are )?(down|unavailable|unreachable)"
                    r"( today| now| again)?)\b|(z\.?ai|glm|智谱|服务|接口|模型).{0,8}(很慢|好慢|太慢|变慢)|宕机|挂了|服务不可用", re.I)
_HOW_TO = re.compile(r"\bhow (do|can|to|should)\b|\bmake it faster\b|怎么办|怎么|如何", re.I)


# Zhipu's China platform, as subscribers name it: its domain, "the CN version", 国内版 / 国内站 / 开放平台.
CHINA_PLATFORM = re.compile(r"(?<!cdn\.)bigmodel\.cn|\b(cn|china|mainland) (version|platform|site|endpoint|api)\b|\bchinese (platform|"
                            r"endpoint|api)\b|"
                            r"(国内|内地|大陆)的?(版|站|平台)|智谱开放平台|bigmodel 平台", re.I)


_DOCUMENTED_PATHS = ("/api/coding/paas/v4", "/api/anthropic", "/api/paas/v4")


def _near_endpoint(url: str) -> bool:
    """A path within two edits of a documented endpoint's ("/api/coding/pass/v4", "/api/paas/v3"): a typo, not another
    service's URL ("/api/monitor/usage/quota/limit")."""
    path = "/" + url.split("api.z.ai/", 1)[-1].split("?")[0].rstrip("/")
    path = re.sub(r"/chat/completions$", "", path)
    return any(0 < _edits(path.lower(), known) <= 2 for known in _DOCUMENTED_PATHS)


def _edits(a: str, b: str) -> int:
    """Levenshtein distance (a short path against a short path)."""
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        previous, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (ca != cb))
    return row[-1]


def split_paste(text: str) -> tuple[str, str]:
    """(the subscriber's own words, the pasted material)."""
    pasted: list[str] = []
    text = _FENCE.sub(lambda m: pasted.append(m.group(0)) or "\n", text)
    own: list[str] = []
    depth = 0  # inside a multi-line JSON object or array
    for line in text.splitlines():
        stripped = line.strip()
        balance = stripped.count("{") + stripped.count("[") - stripped.count("}") - stripped.count("]")
        if depth > 0:
            pasted.append(line)
            depth = max(depth + balance, 0)
            continue
        if TEMPLATE_HEADING.match(stripped):
            continue
        if _is_pasted(line):
            pasted.append(line)
            depth = max(balance, 0)
            continue
        own.append(re.sub(r"^#+\s*", "", line))
    ask = "\n".join(own).strip()
    return ask, "\n".join(pasted).strip()


# Subscribers often don't capitalise: "...I didn't want that. can I get my money back?" is two sentences.
_SENTENCE = re.compile(r"(?<=[?？!！。])\s*|(?<=[.])\s+(?=[A-Z\u4e00-\u9fff])|(?<=[a-z]{3}[.])\s+(?=(?:can|could|how|what|"
                       r"why|when|where|which|who|is|are|do|does|did|will|would|should|any|pls|please)\b)|\n+")


# A question asked in a clause after a statement, without its question mark: "Upgraded Lite -> Pro, where did my Lite
# days go"
QUESTION_CLAUSE = re.compile(r"[,;:]\s+(how|what|why|where|when)\s+(did|do|does|is|are|was|were|can|could|should|will|would|"
                             r"has|have)\s+(i|we|you|my|our|the|it|they|this|that)\b", re.I)  # not "…, who is on Max, gets…"


# "When i check API usage it looks like this API was not even used": a clause of time opening a statement, not a question
# ("when will it reset", "when does my quota reset" ask; so does any sentence ending on its question mark)
TIME_CLAUSE = re.compile(r"^when\s+(i|i'm|im|we|you|my|our|it|they|the|this|that|there|using|running|trying)\b", re.I)


def question_sentences(ask: str) -> tuple[str, ...]:
    sentences = [s.strip() for s in _SENTENCE.split(ask) if s and s.strip()]
    asked = [s for s in sentences if s.endswith(("?", "？")) or QUESTION_START.match(s) and not TIME_CLAUSE.match(s)
             or QUESTION_CLAUSE.search(s) or (is_chinese(s) and ZH_QUESTION.search(s))]
    return tuple(asked)


def _errors(text: str, table: dict[str, str]) -> tuple[ErrorRef, ...]:
    lowered = text.lower()
    found: dict[tuple[str, str], ErrorRef] = {}
    error_context = re.search(r"error|err\b|code|错误|报错|status|fail|mean|意思|提示|报\s*\d", lowered)  # "一直报 1309"
    # (a comma after a digit is a thousands separator, "1,200"; after a word it is punctuation: "报错，1214，参数不合法")
    for m in re.finditer(r"(?<![\d.$/-])(?<!\d,)(1[0-3]\d\d)(?!\d|,\d|\.\d|\s?(?:%|tokens?|prompts?|usd|dollars?|ms|k\b|"
                         r"requests?|calls?|次|元|美元))", text):
        code = m.group(1)
        if code not in table and code not in ERROR_ALIASES:  # "1500 tokens" is no error code
            continue
        before = lowered[max(0, m.start() - 24):m.start()]
        if re.search(r"code|error|err|错误码?|报错|\"|'|\[|:|\b(getting|got|gets|get|returns?|returned|receiv\w*|hit|收到|返回|提示)\s*$",
                     before) or error_context or re.match(r"\s*[:：]\s*\S", text[m.end():]):  # ("1215: `top_p` and ...")
            said = re.search(r"[\"']?message[\"']?\s*:\s*[\"']([^\"']{4,200})", text[m.end():m.end() + 260])
            found.setdefault(("business", code), ErrorRef(code, "business", said.group(1).strip() if said else ""))
    for m in re.finditer(r"(?<![\d.$/-])([45]\d\d)(?![\d%/-])(?!\.\d)", lowered):  # "fails with 429." ends a sentence
        code = m.group(1)
        before, after = lowered[max(0, m.start() - 16):m.start()], lowered[m.end():m.end() + 24]
        if code in table and (
                re.search(r"(http|status|code|error|upstream|says|returns?|returned|got|gives?|getting|a|an|with|"
                          r"错误码?|状态码?|报)[\s:=(\"']*$", before)
                or re.match(r"\s*[:{(\]]|\s*(too many|unauthori[sz]ed|forbidden|not found|bad request|internal server|"
                            r"error|status)", after)):
            found.setdefault(("http", code), ErrorRef(code, "http"))
    for code, aliases in ERROR_ALIASES.items():
        for alias in aliases:
            if alias in lowered:
                found.setdefault(("business", code), ErrorRef(code, "business", alias))
                break
    for code, message in table.items():
        if len(code) != 4:
            continue
        words = re.sub(r"`?\$\{\w+\}`?|\{\w+\}", " ", message.lower()).split()
        probe = " ".join(words[:5])
        if len(probe) >= 18 and probe in lowered:
            found.setdefault(("business", code), ErrorRef(code, "business", probe))
        elif TEMPLATE_CONTEXT.search(lowered) and (said := _template_said(message, lowered)):  # "temperature and top_p ..."
            found.setdefault(("business", code), ErrorRef(code, "business", said))
    return tuple(found.values())


_HOLE = "<placeholder>"
# Where an error's words are shown, not asked about: "got", "returns", "says", an error body's "message"
TEMPLATE_CONTEXT = re.compile(r"\berror\b|\"message\"|\b(returns?|returned|got|getting|says|said|fails?|failed|throws?|shows?|"
                              r"showing)\b|报错|错误|提示|返回", re.I)


def _template_said(message: str, lowered: str) -> str:
    """The error page's message with its placeholders filled ("`${field1}` and `${field2}` cannot be set
    simultaneously" said as "temperature and top_p cannot be set simultaneously"): its first words, a placeholder
    standing for any one word, when at least four of them are the page's own."""
    # a name or an id fills "${API_name}" or "${request_id}" ("glm-4-plus", "job-8812"), a word "${field1}" ("top_p")
    hole_shape = r"[`'\"]?[\w.-]*[\d_-][\w.-]*[`'\"]?" if re.search(r"\$\{(api_name|request_id)\}", message.lower()) else \
        r"[`'\"]?[\w.-]+[`'\"]?"
    tokens = re.sub(r"`?\$\{\w+\}`?|\{\w+\}", f" {_HOLE} ", message.lower()).split()
    if _HOLE not in tokens[:7]:
        return ""  # (a message with no placeholder up front is matched by its words above)
    head = [t.strip(",.;:") for t in tokens[:7]]
    literal = [t for t in head if t != _HOLE]
    if len(literal) < 4 or len(" ".join(literal)) < 18:
        return ""
    shape = r"\s+".join(hole_shape if t == _HOLE else re.escape(t) for t in head if t)
    said = re.search(shape, lowered)
    return said.group(0) if said else ""


_COMPARED_BEFORE = re.compile(r"\b(works?|worked|working|fine|well|like|same as|as in|as with|unlike|than|expected\b[^\n]{0,40}|"
                              r"not using|don'?t use|do not use|no longer use|switched from|moved from|instead of)\s*"
                              r"(fine |well |perfectly |great )?(in|with|on|for)?\s*$", re.I)
# "It works fine with X", "X is fine", "在 X 里正常": X is named as the comparison, not as the tool that fails
_COMPARED_AFTER = re.compile(r"^\s*('s|is|was)?\s*(is )?(fine|ok|okay|works?( fine| great| well)?|working)\b|^\s*(里|中)?(正常|没问题|可以用|能用)", re.I)


_NOT_USED = re.compile(r"\b(not using|don'?t use|do not use|no longer use|switched from|moved from|instead of)\s*(in|with)?\s*$", re.I)


def compared_tools(text: str, tools: Sequence[str], only_not_used: bool = False) -> tuple[str, ...]:
    """The tools named only as a comparison: every mention follows "works in", "like in", "Expected ..." (or, with
    one tool named, only "I don't use X": "X works fine until 1308" is still about X)."""
    lowered = text.lower()
    found = []
    for tool in tools:
        mentions = [m for alias in TOOLS[tool][0]
                    for m in re.finditer(rf"(?<![a-z0-9_-]){re.escape(alias)}(?![a-z0-9_-])", lowered)]
        # "roo" inside "roo code" is the same mention: keep the longest
        mentions = [m for m in mentions if not any(o is not m and o.start() <= m.start() and m.end() <= o.end()
                                                   and o.end() - o.start() > m.end() - m.start() for o in mentions)]
        if only_not_used:
            compared = all(_NOT_USED.search(lowered[max(0, m.start() - 40):m.start()]) for m in mentions)
        else:
            compared = all(_COMPARED_BEFORE.search(lowered[max(0, m.start() - 60):m.start()])
                           or _COMPARED_AFTER.search(lowered[m.end():m.end() + 20]) for m in mentions)
        if mentions and compared:
            found.append(tool)
    return tuple(found)


def _tools(text: str, ask: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The tools named, the one the subscriber is using first: most mentions, then the first named in the ask."""
    lowered = text.lower()
    scrubbed = re.sub(r"claude[\s-]code[\s-]router", " ccr ", lowered)  # the router is not Claude Code
    # nor is JetBrains' own AI (in any of its IDEs) the Claude Code plugin
    scrubbed = re.sub(r"jetbrains[\s-]ai\b( assistant)?|\bjunie\b|\b(pycharm|intellij( idea)?|webstorm|goland)('s)?( built-in)? ai "
                      r"assistant\b", " jb-ai ", scrubbed)
    counts: dict[str, int] = {}
    for tool, (aliases, _) in TOOLS.items():
        source = lowered if tool == "claude-code-router" else scrubbed
        n = sum(len(re.findall(rf"(?<![a-z0-9_-]){re.escape(alias)}(?![a-z0-9_-])", source)) for alias in aliases)
        if n:
            counts[tool] = n
    if "claude-code" not in counts and re.search(r"settings?\.json|anthropic_(auth_token|base_url)", lowered) and re.search(
            r"(?<![a-z0-9_-])claude(?![a-z0-9_-]|[\s-]+(desktop|\.ai|pro|max|opus|sonnet|haiku))", scrubbed):
        counts["claude-code"] = 1  # "Claude" with its settings.json or its variables is Claude Code
    if "kilo-code" in counts and not re.search(r"kilo[\s-]?code|kilocode|\bkilo\b.{0,30}\b(provider|extension|vs ?code|"
                                                r"setting)", lowered):
        del counts["kilo-code"]  # "kilo" alone is too often a unit
    if "roo-code" in counts and not re.search(r"roo[\s-]?code|roocode|\broo\b.{0,30}\b(provider|mode|extension)", lowered):
        del counts["roo-code"]
    if "cursor" in counts and not re.search(r"\bcursor\b.{0,40}\b(ide|editor|settings?|model|pro|base url|override|"
                                              r"custom|provider)|\b(in|inside|within|with|use|using|on|to|into) cursor\b", lowered) \
            and not is_chinese(ask):  # a Chinese message calls the pointer 光标: "cursor" there is the editor
        del counts["cursor"]  # "the cursor jumps" is not the editor
    ask_lower = ask.lower()

    def first_in_ask(tool: str) -> int:
        positions = [ask_lower.find(a) for a in TOOLS[tool][0] if a in ask_lower]
        return min(positions) if positions else len(ask_lower) + 1

    def only_declined(tool: str) -> bool:
        """"不用ccr的话，使用Claudecode必须登录", "without the router, ...": a tool named only as one not used."""
        source = lowered if tool == "claude-code-router" else scrubbed
        spots = [m.start() for alias in TOOLS[tool][0]
                 for m in re.finditer(rf"(?<![a-z0-9_-]){re.escape(alias)}(?![a-z0-9_-])", source)]
        return bool(spots) and all(re.search(r"(\bwithout( using)?|\bnot (using|via|through)|\binstead of|\brather than|"
                                             r"不用|不使用|不通过|不走|不经过)\s*(the )?$", source[max(0, i - 16):i]) for i in spots)

    named = sorted(counts, key=lambda t: (len(counts) > 1 and only_declined(t), -counts[t], first_in_ask(t)))
    others = [t for t in OTHER_TOOLS if re.search(rf"(?<![a-z0-9_-]){re.escape(t)}(?![a-z0-9_-])", lowered)]
    return tuple(named), tuple(others)


# A plan named by its rank, not its name: "the cheapest plan", "官网最基础那个版本" (Lite), "the top tier", "最贵的套餐" (Max)
_TIER_NOUN = r"(plans?|tiers?|versions?|options?|packages?|subscriptions?|one)\b"
RANKED_PLAN = (
    ("lite", re.compile(rf"\b(cheapest|basic|entry[- ]level|entry|lowest|smallest|starter)\s+(\w+\s+)?{_TIER_NOUN}|"
                        r"最便宜|最基础|基础版|基础套餐|入门(版|套餐|档)|最低(档|配|的套餐|一档)", re.I)),
    ("max", re.compile(rf"\b(most expensive|priciest|highest|biggest|largest|top)\s+(\w+\s+)?{_TIER_NOUN}|"
                       r"最贵|最高(档|配|的套餐|一档)|顶配", re.I)),
)


def ranked_plans(text: str) -> list[str]:
    """The plans a text names by rank ("is vision available on the cheapest plan?": Lite)."""
    return [plan for plan, pattern in RANKED_PLAN if pattern.search(text)]


def _plans(text: str) -> tuple[str, ...]:
    lowered = re.sub(r"\b(claude|cursor|chatgpt|copilot|gemini|openai|super ?grok)\s+(pro|max|plus)\b", " ",
                     text.lower())
    found = []
    # ASCII edges: "lite老套餐" names Lite; a model's name ("gemini-2.5-pro", "o1-pro") names no plan
    for m in re.finditer(r"(?<![a-z0-9_])(?<!\d-)(lite|pro|max)(?![a-z0-9_])", lowered):
        after = lowered[m.end():m.end() + 16]
        if m.group(1) == "max" and re.match(r"\s*(output|tokens?|context|length|size|_|-)", after):
            continue
        if m.group(1) == "pro" and re.match(r"\s*(tip|-?tip)", after):
            continue
        found.append(m.group(1))
    for word, plan in (("轻量", "lite"), ("专业", "pro"), ("旗舰", "max")):
        if word in text:
            found.append(plan)
    return tuple(dict.fromkeys(found + ranked_plans(text)))


_IMAGE = re.compile(r"<img\b[^>]*>|!\[[^\]\n]*\]\([^)\n]*\)", re.I)


def analyse(text: str, corpus_dir: Path | None = None) -> Message:
    raw = unicodedata.normalize("NFKC", text or "").replace("\r\n", "\n")
    raw = _IMAGE.sub(" [image] ", raw)  # a pasted screenshot's tag: its width="591" is no status code, nor its alt text
    ask, pasted = split_paste(raw)
    if not ask.strip():  # only pasted material: the paste is the question ("what does this mean?")
        ask = raw.strip()
    table = _pages_errors(corpus_dir)
    errors = _errors(raw, table)
    questions = question_sentences(ask)
    everything = raw.lower()
    urls = tuple(dict.fromkeys(m.group(0).rstrip(".,;") for m in _URL.finditer(raw)))
    endpoints = []
    for url in urls:
        for kind, pattern in ENDPOINTS:
            if re.search(pattern, url.lower()):
                endpoints.append(kind)
                break
    endpoints_shown = tuple(dict.fromkeys(endpoints))  # (before the ones named in words are added)
    # A base URL on Z.ai's API host that is none of its endpoints ("/api/coding/pass/v4", "/api/paas/v3"): a typo
    mistyped = tuple(url for url in urls if re.search(r"(?<![\w.-])api\.z\.ai/", url, re.I)
                     and not any(re.search(pattern, url.lower()) for _, pattern in ENDPOINTS)
                     and not re.search(r"api\.z\.ai/?$|/v1/messages", url.lower()) and _near_endpoint(url)) + tuple(
        url for url in urls if re.search(r"api\.z\.ai/api/(coding/)?paas/v4/v1\b", url.lower())) + tuple(  # a tool's "/v1"
        url for url in urls if re.search(r"api\.z\.ai/api/(coding/)?paas/v4/chat/completion(?!s)", url.lower()))  # "s" left off
    if re.search(r"\bcoding (plan )?(endpoint|base ?url|api)\b|编码(端点|接口)", everything):
        endpoints.append("coding")
    if re.search(r"\bgeneral (api )?(endpoint|base ?url|api)\b|通用(端点|接口)", everything):
        endpoints.append("general")
    tools, other_tools = _tools(raw, ask)
    # "GLM4.7", "glm 4.7", "GLM-4.7" are one model: written the docs' way ("glm-4.7")
    models = tuple(dict.fromkeys(re.sub(r"^glm[\s-]?", "glm-", m.group(0).lower()) for m in re.finditer(
        r"(?<![a-z0-9_])glm[\s-]?(?:5(?:\.\d)?(?:-(?:turbo|flash|air))?|4\.\d(?:v)?(?:-(?:air|airx|flash|flashx|x|plan))?)"
        r"(?![a-z0-9_.]|\.\d)",
        raw, re.I)))
    # a tool's "Support Images" checkbox is its own setting, not the Vision MCP server
    everything_mcp = re.sub(r"[\"'“]?supports? images[\"'”]?(?=.{0,30}(勾选|tick|check|checkbox|option|setting|box|enabled|"
                            r"要不要|吗))|(勾选|tick|untick|check|uncheck|取消)\w*.{0,20}supports? images", " ", everything)
    # another vendor's search ("mcp__MCP__web_search_exa" in a permissions list, "Tavily web search") is not Z.ai's server
    everything_mcp = re.sub(r"(?<![a-z0-9])(exa|brave|tavily|serper|serpapi|bing|duckduckgo|ddg|perplexity|google|searxng?|jina|"
                            r"kagi)[\s_-]?(web[\s_-]?)?search\w*|(?<![a-z0-9])web[\s_-]?search[\s_-]?(exa|brave|tavily|serper|"
                            r"google|bing|duckduckgo|kagi|jina)(?![a-z0-9])", " ", everything_mcp)
    mcp = tuple(name for name, (pattern, _) in MCP_SERVERS.items() if re.search(pattern, everything_mcp)
                and (name != "web-search" or re.search(r"mcp|search[\s_-]?prime|联网|web[\s_-]?search|搜索", everything)))
    if mcp == ("web-search",) and not re.search(r"mcp|联网|web[\s_-]?search|search[\s_-]?prime|搜索次数|搜索额度",
                                                everything):
        mcp = ()
    # "a tool that reads error screenshots" names a feature, not a failure of theirs ("附上报错截图" still reports one)
    own = re.sub(r"(看|读|识别|分析|诊断)(报错|错误)截图|\b(reads?|reading|analy[sz]es?|diagnos\w*|understands?) error "
                 r"(screenshots?|snapshots?)", " screenshot ", ask.lower())
    failing = bool(FAILURE.search(own)) or bool(pasted and FAILURE.search(pasted.lower()))
    subscriber = bool(re.search(r"coding ?plan|glm coding|devpack|subscri|my plan|(lite|pro|max) plan|套餐|订阅|"
                                r"coding ?套餐|编码套餐|包月", everything)) or any(e in ("coding", "anthropic") for e in endpoints)
    protocol = "anthropic" if re.search(r"/v1/messages|anthropic messages api|@ai-sdk/anthropic|x-api-key|"
                                        r"anthropic[_ ]compatible|anthropic transformer|anthropic_base_url", everything) else ""
    # Using the plan inside something that is not a coding tool: a bot, a website, an app, a relay of the API.
    off_plan_use = bool(re.search(
        r"\b(in|into|for|inside|behind|power\w*|integrat\w*( it)?( in| into| with)?|plug\w*( it)? into|use (it|the plan|"
        r"glm|the key|my key) (in|for|with))\s+((my|our|a|company'?s?)\s+(own\s+)?(customer\s+)?(website|web ?app|"
        r"app|application|product|service|saas|bot|chatbot|discord bot|telegram bot)|the\s+(customer\s+)?(website|"
        r"web ?app|product|saas|bot|chatbot|discord bot|telegram bot))\b|\b(chatbot|discord bot|telegram "
        r"bot|qq (bot|channel)|wechat bot|not (for )?coding(?! ?(plan|agents?|tools?))|new-?api|one-?api|api relay|api gateway)\b|机器人|公众号|"
        # a relay the plan is put into ("搭个中转", "把套餐 key 接到中转站"), not one left behind ("原来写的是别家中转")
        r"(搭|建|做|开|部署)\S{0,3}中转|(套餐|coding ?plan|key|密钥).{0,12}(?<![没不未])(接|放|挂|用|配)(到|进|在)?.{0,6}中转|"
        r"中转(站|服务|平台)?.{0,8}(接入|接上|配置|用上)了?.{0,8}(套餐|coding ?plan|key|glm)|分发渠道|"
        r"(api|中转|new-?api|one-?api)\s*渠道", own)) and bool(
        re.search(r"(?<![a-z0-9])glm|coding ?plan|z\.ai|zhipu|智谱|套餐|api key", everything))
    vendors = re.search(r"\b(kimi|moonshot|minimax|doubao|deepseek|qwen|qianfan|dashscope|volcengine|baidu|cerebras|"
                        r"openrouter|opencode go|siliconflow|alibaba|aliyun|bailian)\b|千帆|百度|豆包|通义|火山|硅基|阿里|百炼",
                        everything) or (re.search(r"\bchatgpt\b", everything) and not re.search(r"coding ?plan|\blite\b|套餐",
                                                                                              everything))
    # Naming GLM or Z.ai makes it ours even beside other vendors ("plans for kimi and zai", "GLM-5, MiniMax, Kimi"),
    # unless it is named to be set aside ("unrelated to glm but: ChatGPT Plus vs Claude Pro?")
    ours = re.search(r"(?<![a-z0-9])glm|z\.ai|(?<![a-z0-9])zai(?![a-z0-9])|zhipu|bigmodel|智谱|智普", re.sub(
        r"\b(unrelated|not related) to (glm|z\.ai|zai|the coding plan)\b|(和|跟)\s*(glm|智谱|z\.ai)\s*无关", " ", everything))
    # Anthropic's own Claude Max / Pro plans ("Claude Code Max plan", OAuth) are another company's, unless compared.
    claude_plan = r"\bclaude (code )?(max|pro)\b( plan| subscription)?|\banthropic'?s? (max|pro)\b"
    anthropic_plan = re.search(claude_plan, everything) \
        and not re.search(r"\b(compar\w*|vs|versus|than|times|stack up|against|lite|max plan)\b|×|倍", everything) \
        and not (re.search(r"\b(alternatives?|replac\w*|instead of|switch\w* (away )?from|mov\w* (away )?from|migrat\w*)\b|"
                           r"平替|替代|替换|代替|换掉|迁移", everything)
                 and not re.search(rf"{claude_plan}|\banthropic\b", " ".join(questions).lower()))
    # (one leaving Claude's plan for ours asks about ours: "用的 Claude Max 5x，想找个平替。Pro 还是 Max？"; a question
    # naming Claude's plan is still Anthropic's: "Claude Pro 在国内怎么绑卡？群里说你们是平替")
    # Another company's product as the whole subject ("Copilot Pro used 300/300 premium requests: upgrade to Pro+?",
    # "my EC2 service quota", "Stripe proration for my SaaS's Lite/Pro plans"): its plans and quotas are its own. A
    # cloud or a carrier is only where a subscriber runs their tools, so a message naming our plan, a tool, an error or
    # an endpoint is ours; a carrier's own package ("中国移动的 5G 套餐") is theirs unless a tool or a failure is told.
    # (A Stripe charge is how one paid for the plan; only Stripe's own API is another company's.)
    product = re.search(r"\b(github copilot|copilot (pro|business|enterprise)\+?|aws|amazon web services|ec2|azure|"
                        r"stripe('s)? (subscription |billing |checkout )?(api|sdk|webhooks?)|proration_behavior|netflix|spotify|"
                        r"google cloud|gcp|heroku)\b|中国移动|中国联通|中国电信", everything)
    carrier_package = re.search(r"(移动|联通|电信)的?\s*(5g|4g)?\s*(流量|话费)?套餐|(流量|话费)套餐|5g\s*套餐", everything)
    # (a plan named only to be set aside, "totally unrelated to my Pro plan, but our HPA...", names nothing of ours)
    aside = re.sub(r"\b(unrelated|not related|nothing to do) (to|with) (the|my|your) ((glm|z\.ai|coding|lite|pro|max) )*"
                   r"(plan|subscription)\b|(跟|和|与)(我的)?.{0,8}(套餐|coding ?plan)\s*(无关|没关系)", " ", everything)
    ours_named = re.search(r"coding ?plan|(?<![a-z0-9])glm|z\.ai|智谱|\b(lite|pro|max) (plan|subscription|套餐)|(?<![a-z])(lite|pro|max)\s*套餐|"
                           r"\b(my|your|the) (subscription|plan)\b|订阅", aside) or tools or endpoints or errors
    # a cluster's own problem with the plan set aside in so many words ("unrelated to my Pro plan: our HPA won't scale")
    cluster = aside != everything and bool(re.search(r"\b(kubernetes|k8s|kubectl|horizontalpodautoscaler|resourcequota|hpa)\b",
                                                      everything)) and not (tools or endpoints or errors or mcp)
    other_product = bool(carrier_package) and not (tools or endpoints or failing) or bool(product) and not ours_named \
        or cluster
    other_vendor = bool(vendors or anthropic_plan or other_product) and not ours
    # GLM served by another company (OpenRouter, SiliconFlow, ModelScope, ...): its limits, errors and billing are that
    # company's, unless the message is about Z.ai's own plan or endpoints too
    hosts = r"(openrouter|siliconflow|modelscope|together\.?ai|fireworks|groq|cerebras|deepinfra|novita|chutes|nvidia nim|" \
            r"build\.nvidia|volcengine|bedrock|vertex)"
    host = re.search(rf"\b(via|through|on|from|using|with|at)\s+(the\s+)?(?P<a>{hosts})\b|(?P<b>{hosts})[\w.-]*\.(ai|cn|com|"
                     rf"io)/|(?P<c>{hosts})('s)? (api|provider|endpoint)|(通过|用|在)(?P<d>硅基流动|硅基|魔搭|火山引擎)", everything)
    hosted_elsewhere = "" if not host or subscriber or re.search(r"z\.ai|zai|智谱", everything) else next(
        name for name in (host.group("a"), host.group("b"), host.group("c"), host.group("d")) if name)
    other_vendor = other_vendor or bool(hosted_elsewhere)
    # an install script piped to a shell ("curl -fsSL https://opencode.ai/install | bash") calls no API
    direct_call = bool(DIRECT_CALL.search(re.sub(r"\bcurl\b[^\n|]{0,160}\|\s*(sudo\s+)?(ba|z)?sh\b|\bcurl\b[^\n]{0,200}?\.(sh|ps1)\b",
                                                 " ", ask)))  # (or downloaded to run: "curl -O .../x.sh && bash x.sh")
    # "pay-as-you-go API, glm-4.7 from my own service": the general API used as such, with no plan in the story
    paying_per_use = bool(re.search(r"\bpay[- ]as[- ]you[- ]go\b|\bnot (on )?(the|a) plan\b|\bno plan\b|按量(付费|计费)|没(有)?(买|订)?套餐",
                                    ask, re.I)) and not subscriber
    # "general API, not the coding plan", "走通用 API", "my own app on api/paas/v4": their code uses the general API, as
    # the terms say it should, whatever plan they also have
    paying_per_use = paying_per_use or bool(re.search(
        r"\bgeneral (api|endpoint)\b|\bpay[- ]as[- ]you[- ]go\b|\bnot (on |through |via )?(the|a|my) (coding )?plan\b|"
        r"(?<!coding/)paas/v4|通用\s*(api|接口|端点)|按量(付费|计费)", ask, re.I)) and not PLANS_OWN.search(ask)
    # by choice, unless the plan's key is what they call it with or the balance being charged is their complaint
    pays_per_use = bool(BY_CHOICE.search(ask)) and not PLANS_OWN.search(ask) and not BALANCE_CHARGED.search(ask) or (
        bool(NOT_THE_PLAN.search(ask)) and not PLANS_OWN.search(ask))  # (the balance charged is then their choice)
    # Calling the plan from their own code is a use the terms exclude (the MCP tools have their own answer).
    # Chat front-ends and workflow builders are not coding tools: the plan's quota is not for them.
    off_plan_use = off_plan_use or (bool(set(other_tools) & set(NON_CODING_APPS)) and (subscriber or bool(ours)))
    # passing another client off as a designated tool (a faked user agent or identity): a use the terms exclude
    off_plan_use = off_plan_use or (bool(SPOOF.search(ask)) and (subscriber or bool(ours)))
    off_plan_use = off_plan_use or (direct_call and not mcp and (bool(ours) or subscriber) and not failing
                                    and not paying_per_use) or bool(
        re.search(r"only available for coding (agents?|tools?)", everything))  # the API's own words for it
    china_shown = any(e.startswith("bigmodel") for e in endpoints)
    return Message(
        raw=raw, ask=ask, pasted=pasted, questions=questions,
        language="zh" if is_chinese(ask) else "en", errors=errors, tools=tools,
        other_tools=other_tools, compared_tools=compared_tools(raw, tools, only_not_used=len(tools) + len(other_tools) < 2),
        endpoints=tuple(dict.fromkeys(endpoints)), endpoints_shown=endpoints_shown, urls=urls, plans=_plans(ask),
        models=models, mcp=mcp, numbers=tuple(m.group(0) for m in _NUMBER_UNIT.finditer(ask)), failing=failing,
        subscriber=subscriber, protocol=protocol, off_plan_use=off_plan_use, other_vendor=other_vendor,
        pays_per_use=pays_per_use,
        quota_drain=bool(QUOTA_DRAIN.search(ask)),
        usage_query=bool(USAGE_QUERY.search(without_foreign_quota(re.sub(r"\S*/\S*/\S*", " ", ask)))) and not (
            USAGE_TOLD.search(ask) and not any(USAGE_QUERY.search(q) for q in questions)),  # not an API path, nor evidence
        account_matter=bool(ACCOUNT_MATTER.search(ask)), direct_call=direct_call,
        feature_request=bool(FEATURE_REQUEST.search(raw)), regression=_tool_regression(ask),
        enforcement=bool(ENFORCEMENT.search(APPEAL_OF_CREDITS.sub(" ", ask))), own_account=bool(OWN_ACCOUNT.search(ask)),
        names_zai=bool(ours),
        mcp_others=failing and "mcp" in everything and bool(MCP_OTHERS.search(ask)),
        unknown_models=tuple(m for m in models if corpus_dir is not None and m.replace("glm5", "glm-5") not in
                             documented_models(str(corpus_dir))),
        unknown_names=_unknown_names(ask, corpus_dir) if not other_vendor else (),
        mistyped=mistyped,
        outage=bool(OUTAGE.search(ask)) and not _HOW_TO.search(ask),
        hosted_elsewhere=hosted_elsewhere,
        # (the China platform listed beside Z.ai's endpoints, "the dropdown gives International API (api.z.ai/...) and
        # China API (open.bigmodel.cn/...)", is one option of several, not the platform they are on)
        china_platform=(_on_china_platform(ask) or china_shown) and not (
            china_shown and any(not e.startswith("bigmodel") for e in endpoints) and not CHINA_OWN.search(ask)
            and re.search(r"\b(dropdown|drop-down|options?|choices?|list|only (gives|shows|lists|has))\b|下拉|选项|列表|只有",
                          ask, re.I)),
        topics=(topics := _topics_named(own, corpus_dir)), topic_outside_tool=_topic_outside_tool(tools, topics, corpus_dir),
        self_hosted=bool(SELF_HOSTED.search(own)) and not endpoints,
        task_request=_task_request(ask, questions, tools, endpoints, mcp))


def _task_request(ask: str, questions: tuple[str, ...], tools: tuple[str, ...], endpoints: list | tuple,
                  mcp: tuple[str, ...]) -> bool:
    """Every question of the ask (or the ask, with none) asks the assistant to write something that is no setting of
    a tool: "你能不能直接帮我写个 Python 爬虫...?" even beside "我 Pro 包月额度多得用不完"."""
    if tools or endpoints or mcp:
        return False
    asks = questions or (ask,)
    return all(TASK_REQUEST.search(q) and not _SETUP_WORDS.search(q) for q in asks)


def _topics_named(ask: str, corpus_dir: Path | None) -> tuple[str, ...]:
    """The pages whose topic the ask (not the paste) names, as a phrase of its own."""
    if corpus_dir is None:
        return ()
    own_words = _VERB_USE.sub(" ", ask)
    return tuple(dict.fromkeys(doc for pattern, doc in _topic_patterns(str(corpus_dir)) if pattern.search(own_words)))


@lru_cache(maxsize=4)
def _topic_patterns(corpus_dir: str) -> tuple[tuple[re.Pattern, str], ...]:
    """Each page topic as a phrase of its own ("web search", "web-search", "websearch"), compiled once."""
    return tuple((re.compile(r"(?<![a-z0-9])(" + re.escape(topic).replace(r"\ ", r"[\s_-]?") + TOPIC_WORDS.get(topic, "")
                             + r")(?![a-z0-9])"), doc)
                 for topic, doc in page_topics(corpus_dir).items())


# Subscribers' own words for a page's topic, beside the title's: GLM's "reasoning" is the thinking page's subject.
TOPIC_WORDS = {"thinking": r"|reasoning(?![_ ]content)|思考模式|深度思考|推理模式|保留思考|思考(内容|过程|链)|思维链"}


# "I'm thinking of trying it", "I was streaming a video": the word as a verb of their own, not the page's topic.
# ("bought Max during the deal thinking I'd run 4 agents": a participle before its own subject)
_VERB_USE = re.compile(r"\b(i'?m|i am|am|i was|we were|we'?re|you'?re|they'?re|keep|kept|stop|start|"
                       r"started)\s+\w+ing\b|\b\w+ing\s+(of|about|that|to|it|this|over|i|i'?d|i'?ll|i'?m|we|we'?d|we'?ll|"
                       r"they|he|she)\b", re.I)
