"""The offline answer: the sentences of the best passages that answer the question, verbatim, cited.

No generation, so no invented figure: every word of the answer is a word of the docs. The best-matching unit
(a sentence, a list item or a short code block) leads; its list items follow when it introduces a list
("as follows:"), and a close runner-up from the same passage is added while the answer stays short.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from helpdesk.embedding import Embedder
from helpdesk.schema import Passage
from helpdesk.settings import Settings

_FAQ_PREFIX = re.compile(r"^\s*Q\s*[:：].*?\s+A\s*[:：]\s*", re.S)
_FENCE = re.compile(r"^\s*(```|~~~)")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\"“])")
_LINK = re.compile(r"\[([^\]]+)\]\((\S+?)\)")
_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+\.|[a-z]\.)\s+")
# Not a setting: ingestion stores one vector per unit, so the split must not change between ingestion and answers
# (changing it means re-ingesting). 450 characters keeps an `npx ...` or JSON config block whole and leaves out a
# whole script.
MAX_CODE = 450
# A longer block is a command list when its lines say what they do ("coding-helper lang set en_US  # Switch to
# English"): each such line is a unit, so "how do I switch it to English?" finds its command.
_COMMENTED_COMMAND = re.compile(r"^\s*[^\s#][^#]*\S\s+#\s*\S")
# The scoring knobs (how many passages, the bonuses, the FAQ match, the tie band) are settings: the
# HELPDESK_EXTRACTIVE_* fields of helpdesk/settings.py, each with how its value was chosen.


@dataclass(frozen=True)
class Unit:
    passage: int
    order: int
    text: str
    is_item: bool
    is_row: bool = False
    heading: str = ""  # the section heading it stands under: "This capability is enabled..." is about its heading
    is_heading: bool = False  # a title line ("Claude Code", "Quick Start"): context for what follows, no answer


def clean(text: str) -> str:
    """Markdown to plain support-chat text; link targets kept, since the URL is often the answer."""
    if _FENCE.match(text):
        return "\n".join(line for line in text.splitlines() if not _FENCE.match(line))
    text = _LINK.sub(lambda m: m.group(2) if m.group(1).strip() in m.group(2) else f"{m.group(1)} ({m.group(2)})", text)
    text = _EMPHASIS.sub(r"\2", text)
    return text.replace("`", "").strip()


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


# A blockquoted note that tells the reader what to do, unlike a page's blockquoted summary
_NOTE = re.compile(r">\s*(\*\*)?(if|note|when|please|make sure|ensure)\b", re.I)


def units(passage_index: int, text: str, section: str = "") -> list[Unit]:
    """Sentences, list items, table rows (with their column names) and short code blocks, in document order, each
    with the heading it stands under (`section`, the chunk's own, until the text starts another)."""
    text = _FAQ_PREFIX.sub("", text, count=1)
    result: list[Unit] = []
    code: list[str] | None = None
    header: list[str] | None = None
    heading = clean(section)
    for line in text.splitlines():
        if line.lstrip().startswith("|") and code is None:
            cells = _cells(line)
            if header is None:
                header = cells
            elif not set("".join(cells)) <= set("-: "):
                row = "; ".join(f"{h}: {c}" for h, c in zip(header, cells) if c and c != "-" and h)
                result.append(Unit(passage_index, len(result), row, True, is_row=True, heading=heading))
            continue
        header = None
        if _FENCE.match(line):
            if code is None:
                code = [line]
            else:
                code.append(line)
                block = "\n".join(code)
                if len(block) <= MAX_CODE:
                    result.append(Unit(passage_index, len(result), block, False, heading=heading))
                else:
                    for line in code[1:-1]:
                        if _COMMENTED_COMMAND.match(line):
                            command = re.sub(r"\s{2,}", "  ", line.strip())
                            result.append(Unit(passage_index, len(result), f"`{command}`", False, heading=heading))
                code = None
            continue
        if code is not None:
            code.append(line)
            continue
        stripped = line.strip()
        if stripped.startswith("#"):
            heading = clean(stripped.lstrip("# "))
            continue
        if stripped.startswith(">") and _NOTE.match(stripped):
            stripped = stripped.lstrip("> ").strip()  # a note ("> If prompted with ..., select "Yes.""): a unit
        if not stripped or stripped.startswith(">") or set(stripped) <= set("-:|* "):
            continue  # a page's blockquoted summary ("> Methods for using the GLM Coding Plan in Crush") is no answer
        is_item = bool(_BULLET.match(line))
        sentences = _SENTENCE_END.split(stripped) if not is_item else [stripped]
        title = not is_item and len(sentences) == 1 and _is_title(stripped)
        if title:
            heading = clean(stripped)
        for sentence in sentences:  # the same units as ingestion stored vectors for: a title is one, flagged
            if len(sentence) > 3:
                result.append(Unit(passage_index, len(result), sentence, is_item, heading=heading, is_heading=title))
    return result


# Ingestion keeps a page's headings as plain lines ("Claude Code", "Configure MCP Server"): a short Title Case line
# without sentence punctuation, a colon, code or a link ("Run opencode auth login" is an instruction).
_TITLE_LINE = re.compile(r"^(?!.*[.;?!。：`]\s*$)(?!.*(https?://|`|:|\|))(\S+\s+){0,5}\S+$")
_TITLE_WORD = re.compile(r"^\W*([A-Z0-9]|(a|an|the|and|or|of|to|in|for|with|on|via|vs)$)")


def _is_title(line: str) -> bool:
    return bool(_TITLE_LINE.match(line)) and all(_TITLE_WORD.match(word) for word in line.split())


def unit_texts(text: str) -> list[str]:
    """What ingestion embeds for a chunk: its answer units' texts, in the order `units` gives them (the one
    splitting both use), so row n of a passage's stored unit vectors belongs to unit n."""
    return [unit.text for unit in units(0, text)]


_INTRODUCES = re.compile(r"\b(the following|as follows|these steps|steps below)\b[^.]*\.?\s*$", re.I)


def _introduces_list(unit: Unit) -> bool:
    """"...as follows:", "refer to the following troubleshooting steps.": no answer without what follows."""
    text = unit.text.rstrip()
    return text.endswith(":") or bool(_INTRODUCES.search(text))


_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_WORDS = re.compile(r"[a-z0-9][a-z0-9.-]*[a-z0-9]|[a-z0-9]")


# a version, not a model's number ("GLM-4.7" holds no version of a tool); "Pro and higher versions" holds one
VERSION_VALUE = re.compile(r"(?<![\w-])(v?\d+(\.\d+)+|>=\s*v?\d+)\b|\b(higher|newer|later|latest) versions?\b|"
                           r"\bor (newer|higher|later)\b")
# a file or folder path ("~/.factory/settings.json", "%USERPROFILE%\\.config\\crush\\crush.json", "crush.json")
FILE_VALUE = re.compile(r"(~|%\w+%)[\\/][^\s,;)`'\"]+|\b[\w.-]+\.(json|toml|ya?ml|env)\b|/\.[a-z][\w./-]*")
VARIABLE_VALUE = re.compile(r"\b[A-Z][A-Z0-9]*_[A-Z0-9_]{3,}\b")  # an environment variable's name
# A tool's own way to pick a model: a slash command (/model, /models), a key (ctrl+p), its "Switch Models" button
MODEL_PICKER = re.compile(r"(?<![\w/.:])/models?\b|\bctrl\s*\+\s*\w\b|\bswitch models?\b", re.I)
# What a question asks for, and how a unit that holds it looks: "which endpoint" wants the unit with the URL, not
# the introduction that names the topic; "how do I add" wants the command; "which Node version" the number.
VALUE_KINDS = (
    (re.compile(r"\b(url|urls|endpoint|base ?url|address|host|link)\b|地址|端点|链接", re.I),
     re.compile(r"https?://|api\.z\.ai|/api/")),
    # (a command the subscriber ran, "npx @z_ai/coding-helper fails with Network Error", asks for none)
    (re.compile(r"\b(command|install|add|set ?up|configure|hook|connect)\b|\bhow (do|can|should) (i|we|you) run\b|"
                r"命令|安装|添加|配置", re.I),
     re.compile(r"```|\bnpx\b|\bnpm\b|\bclaude mcp add\b|\bcurl\b|\"(url|command|args|env|type)\"|^\s*\$ |"
                r"^`[^`\n]+`$", re.M)),
    # ("why can't node connect through the proxy?" names Node, and asks for no version of it)
    (re.compile(r"\b(version|versions|how old|which release)\b|\b(which|what) (node(\.js)?|python)\b|\b(node(\.js)?|python) "
                r"((-?v\s+)?v?\d|-v\b|--version|version|requirement)|版本", re.I), VERSION_VALUE),
    (re.compile(r"\b(file|config(uration)? file|path|folder|directory|where is|where do|where are)\b|文件|路径", re.I),
     FILE_VALUE),
    (re.compile(r"\b(env(ironment)? var\w*|variable|variables|key name)\b|环境变量", re.I), VARIABLE_VALUE),
    (re.compile(r"\b(provider|entrypoint|which option|select|choose|pick)\b|选择|提供商", re.I),
     re.compile(r"\b(select|choose|pick)\b|provider", re.I)),
    # "how do I turn preserved thinking on for the API?", "普通 API 要怎么打开": the setting that enables it, not its praise
    (re.compile(r"\b(enable|turn (it |this |that )?on|switch (it |this |that )?on|activate)\b|打开|开启|启用", re.I),
     re.compile(r"\b(by setting|set(ting)? \S+ to|turn it on)\b|[\"'`]?\w+[\"'`]?\s*[:=]\s*(true|false)\b", re.I)),
    # "is there a keyboard shortcut to open it?", "快捷键是什么": the keys to press
    (re.compile(r"\b(shortcut|hotkey|hot key|keybinding|key ?binding|keyboard)s?\b|快捷键", re.I),
     re.compile(r"\b(ctrl|cmd|command|shift|alt|option|meta)\s*\+\s*\w", re.I)),
    # "how do I switch to GLM-4.7 inside crush?", "怎么切模型": the tool's own way to pick a model, not its config
    (re.compile(r"\b(switch|change|pick|select|choose)\w*\b.{0,30}\bmodels?\b|\bmodels?\b.{0,20}\b(switch|picker|selector)\b|"
                r"\b(switch|change) (it )?to glm|(切换?|换|选).{0,6}模型", re.I),
     MODEL_PICKER),
)
# The branch of a step written for plan subscribers ("If you are subscribed to the GLM Coding Plan, select Z.AI Coding
# Plan") is the one every subscriber of this help desk needs, before the unconditional step beside it ("select Z.AI").
FOR_SUBSCRIBERS = re.compile(r"^\W*if you(?:'re| are) (?:subscribed to|on|using) the \W*glm coding plan", re.I)
# A unit that only restates the problem ("Issue: connection closed") is no answer to it.
RESTATEMENT = re.compile(r"^[\s*_]*(issue|problem|symptom|error|question|q)[\s*_]*[:：]", re.I)  # "**Issue:**" too


# A unit shaped like a section's name: no sentence punctuation and a few words, or a restated problem.
_LABEL_END = re.compile(r"[.!?。！？:：)]\s*$")
LONG_LIST = 8  # a list with more items than this is a reference, not one answer: its item asked for stands alone
LABEL_FOLLOW = 7  # the label, "Solutions:" and up to five steps


# A step told as an instruction ("Press `ctrl+p`, choose "Switch Model"") holds its value without a full stop
_STEP = re.compile(r"^\W*(press|click|tap|type|run|enter|select|choose|open|use|go to|navigate)\b", re.I)


def _label(unit: Unit) -> bool:
    if unit.is_item or _FENCE.match(unit.text) or unit.text.startswith("`") or _STEP.match(unit.text):
        return False  # a block, a command line of one, or a step
    return bool(RESTATEMENT.match(unit.text)) or (not _LABEL_END.search(unit.text) and len(unit.text.split()) <= 8)


_NUMBERED = re.compile(r"^\s*\d+\.\s+")


def _step_title(unit: Unit, same_passage: list[Unit]) -> bool:
    """A numbered step told as a title ("3. Configure Frontend Environment"), its body below it rather than in it."""
    if not unit.is_item or unit.is_row or not _NUMBERED.match(unit.text):
        return False
    following = same_passage[unit.order + 1:unit.order + 2]
    return _is_title(_NUMBERED.sub("", unit.text).strip()) and bool(following) and not following[0].is_item


# "Is preserved thinking on by default when I use the coding endpoint?" names an endpoint but asks yes or no: a
# polar question wants the statement, not a unit holding a URL (unless it asks to be given or shown one).
_POLAR = re.compile(r"^\s*(is|are|does|do|did|will|would|should|has|have|was|were)\b(?!.*\b(give|show|tell|send)\b)", re.I)


# "how do I take that link down?", "怎么把这个公开链接撤掉": a thing to be removed names no value asked for; the way to
# remove it (a command, a step) is what is wanted
_REMOVAL = re.compile(r"\b(take|took|taking|pull|bring) (it|that|this|them|(the|that|this|my|our) \w+) down\b|"
                      r"\b(kill|nuke|get rid of) (it|that|this|them|(the|that|this|my|our) (\w+ )?\w+)\b|\b(remove|delete|revoke|unshare|"
                      r"disable|undo|get rid of|stop sharing|turn off|deactivate)\b|撤掉|撤回|撤销|删除|删掉|取消(分享|共享)|关掉|关闭", re.I)


_COMMAND_ASK = VALUE_KINDS[1][0]  # "how do I add / install / run ...": the command kind
_REMOVES = re.compile(r"\b(stop\w*|remov\w*|delet\w*|revok\w*|unshare|disabl\w*|undo|turn(ed)? off|deactivat\w*)\b|删除|撤销|"
                      r"取消|关闭|停止", re.I)


def asks_for(question: str) -> list[re.Pattern]:
    if _POLAR.match(question):
        return []
    kinds = [(asks, holds) for asks, holds in VALUE_KINDS if asks.search(question)]
    if _REMOVAL.search(question):  # the command, or the step that removes, stops or undoes it
        kinds = [(asks, holds) for asks, holds in kinds if asks is _COMMAND_ASK] + [(_REMOVAL, _REMOVES)]
    return [holds for _, holds in kinds]


def asked_values(questions: tuple[str, ...] | list[str], fallback: str) -> list[re.Pattern]:
    """The kinds of value the message's own questions ask for, each read on its own: "installed with `npm i ...`" or
    a pasted "baseUrl https://..." in the story asks for no command or URL, and a yes-or-no question ("is there an
    auto-run level...?") asks for none. Without question sentences, or when they name no kind and lean on the story
    ("how do I get glm-4.7 in there?"), the whole text is read."""
    if not questions:
        return asks_for(fallback)
    # a request said without a question mark ("Give me the install command for Windows. Is PowerShell fine?")
    requests = [s for s in re.split(r"(?<=[.!。！\n])\s*", fallback) if _REQUEST.match(s)]
    found = list(dict.fromkeys(p for q in [*questions, *requests] for p in asks_for(q)))
    if found or all(_POLAR.match(q) for q in questions):
        return found
    return asks_for(fallback)  # "how do I get glm-4.7 in there?": the question leans on the story for its subject


_REQUEST = re.compile(r"^\W*(please |pls |so )?((give|show|tell|send|get) me|(i|we) need|need|i('d| would) like|i want)\b|"
                      r"^\W*(请|麻烦)?(给我|告诉我|发我|我需要|需要|求)", re.I)


# (a single quote opens and closes a phrase, never an apostrophe: "the FAQ's settings.json ... I'm on Max" quotes nothing)
_QUOTED = re.compile(r"(?:[\"“”「」]|(?<![A-Za-z0-9])')([^\"“”'「」\n]{8,120})(?:[\"“”「」]|'(?![A-Za-z]))")
_LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z'’]*(?:[ ,][A-Za-z'’]+){3,}")  # four or more English words in a row


def plain(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


@lru_cache(maxsize=256)
def quoted_phrases(message: str) -> tuple[str, ...]:
    """What the subscriber copied from a screen: a quoted phrase of three or more words ("Do you want to use this API
    key?"), or a run of English words inside a Chinese message; a unit that holds it verbatim is about that screen."""
    found = [m.group(1) for m in _QUOTED.finditer(message)]
    if re.search(r"[\u4e00-\u9fff]", message):
        found += _LATIN_RUN.findall(message)
    return tuple(p for p in (plain(f) for f in found) if len(p.split()) >= 3)


def documented_identifiers(corpus_dir: str) -> frozenset[str]:
    """The snake_case names the docs write as code (`do_sample`, `request_id`, `search_domain_filter`)."""
    return frozenset(_identifier_index(corpus_dir))


@lru_cache(maxsize=256)
def named_identifiers(message: str, corpus_dir: str) -> tuple[str, ...]:
    """The documented parameters a message names ("it also has do_sample: false in it"): like a phrase copied from a
    screen, the passage and the line that hold the name are about what was asked."""
    known = documented_identifiers(corpus_dir)
    # an environment variable shown with its value ("ANTHROPIC_BASE_URL = https://...") is what they have set, not
    # what they ask about; one without ("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": ???) is asked
    shown = {m.group(1).lower() for m in _VARIABLE_SET.finditer(message)}
    return tuple(dict.fromkeys(plain(name) for name in re.findall(r"(?<![\w.])[a-z][a-z0-9]*(?:_[a-z0-9]+)*(?![\w])",
                                                                   message.lower()) if name in known and name not in shown))


_VARIABLE_SET = re.compile(r"\b([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)[\"'`]?\s*(?:[:=]\s*[\"'`]?[\w/.~-]|\s+[\"'`]?(?:https?://|\d))")


@lru_cache(maxsize=4)
def _identifier_index(corpus_dir: str) -> dict[str, tuple[str, ...]]:
    """Each snake_case, camelCase or environment-variable name the docs write as code, and the pages that write it."""
    index: dict[str, list[str]] = {}
    for path in sorted(Path(corpus_dir).glob("*.md")):
        # snake_case (`do_sample`) written as code anywhere, camelCase only as a list item's name (a tool: `webReader`)
        text = path.read_text(encoding="utf-8")
        # and an environment variable (`API_TIMEOUT_MS`, "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": 1 in a settings block)
        found = re.findall(r"`([a-z][a-z0-9]*(?:_[a-z0-9]+)+)`", text) + re.findall(
            r"^\s*[-*•]\s+\**`([a-z]+(?:[A-Z][a-z0-9]+)+)`", text, re.M) + re.findall(
            r"[`\"]([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)[`\"]", text)
        for name in dict.fromkeys(m.lower() for m in found):
            index.setdefault(name, []).append(path.stem)
    return {name: tuple(pages) for name, pages in index.items()}


def identifier_pages(message: str, corpus_dir: str) -> tuple[str, ...]:
    """The pages that write a parameter the message names as code: pages of what the message names."""
    index = _identifier_index(corpus_dir)
    names = [name.replace(" ", "_") for name in named_identifiers(message, corpus_dir)]
    return tuple(dict.fromkeys(page for name in names for page in index.get(name, ())))


# Three-letter words that say nothing about a topic; the others ("key", "set", "url", "mcp", "cli") do
_SHORT_COMMON = frozenset("the and for you can how use get not are was has any all our its but who why one own too "
                          "did his her may let now new out see way yes off per via etc lol pls".split())


BOILERPLATE_PAGES = 4  # a sentence on this many pages or more (a promotion, the coding-endpoint warning) is the site's


@lru_cache(maxsize=4)
def boilerplate(corpus_dir: str) -> frozenset[str]:
    """Units that stand word for word on several pages: the site's banner and repeated notes, which say nothing of the
    page a question names (the answer the page holds is its own sentences)."""
    pages: dict[str, int] = {}
    for path in sorted(Path(corpus_dir).glob("*.md")):
        try:
            text = path.read_text(encoding="utf-8")
        except OSError:
            continue
        for key in {plain(u.text) for u in units(0, text)}:
            if len(key.split()) >= 6:
                pages[key] = pages.get(key, 0) + 1
    return frozenset(key for key, count in pages.items() if count >= BOILERPLATE_PAGES)


# A way other than the one the message names ("curl | bash is blocked; any other way to install it?", "除了 npm 还有别的装法吗")
OTHER_WAY = re.compile(r"\b(other|another|alternative|different) (way|method|option|install\w*)s?\b|\bbesides\b|"
                       r"\balternatives?\b|除了.{0,12}(还有|之外|以外)|(其他|别的|其它)的?(办法|方法|方式|装法|途径)", re.I)
_TOOL_WORDS = re.compile(r"\b(curl|wget|bash|npm|npx|pnpm|yarn|brew|pip|pipx|uv|docker|winget|scoop|choco|irm|go install|"
                         r"cargo|apt|nix)\b")
_ALSO = re.compile(r"\b(also|alternatively|instead|or you can|another way)\b", re.I)


def _bonus(question: str, unit: Unit, wanted: list[re.Pattern], settings: Settings, phrases: tuple[str, ...] = (),
           told: str = "", asking: tuple[str, ...] = ()) -> float:
    """What the embedding misses: exact codes and figures the user typed ("1113"), shared words, and the kind of
    value the question asks for (a URL, a command, a version, a path, a variable)."""
    # Trust the ranking a little: the top passage is more likely the right page than a lucky sentence elsewhere.
    last = max(1, settings.extractive_passages - 1)
    bonus = settings.extractive_rank_bonus * (last - unit.passage) / last
    text = unit.text.lower()
    numbers = set(_NUMBER.findall(question))
    if numbers and numbers & set(_NUMBER.findall(text)):
        bonus += settings.extractive_number_bonus
    words = {w for w in _WORDS.findall(question.lower()) if len(w) > 3 or len(w) == 3 and w not in _SHORT_COMMON}
    if words:
        shared = words & set(_WORDS.findall(f"{text} {unit.heading.lower()}"))
        bonus += settings.extractive_word_bonus * len(shared) / len(words)
    value = settings.extractive_value_bonus
    # the words the subscriber copied from a screen ("the Context Window Size box"): the unit that holds them is about
    # that setting, and its value is the one they need, whatever else their message describes
    said = plain(unit.text)
    held = sum(phrase in said for phrase in phrases)  # the more of them a line holds, the more it is about
    copied = held > 0
    if wanted and (copied or any(p.search(unit.text) for p in wanted)) and not _label(unit):  # a title holds no value
        bonus += value
    elif wanted:
        bonus -= value / 3  # names the topic, holds nothing asked for
    if OTHER_WAY.search(told or question):  # "curl | bash is blocked, any other way?": not the way they named
        named = {w for w in _TOOL_WORDS.findall((told or question).lower())}
        if named & set(_TOOL_WORDS.findall(text)):
            bonus -= value
        elif _ALSO.search(text):
            bonus += value / 2
    if RESTATEMENT.match(unit.text):
        bonus -= value
    bare = plain(clean(unit.text)) if _FENCE.match(unit.text) else said  # a code block without its fence's "bash"
    # (a command asked about, "is `npm install -g opencode-ai` still valid?", is the question's, not an echo)
    if len(bare.split()) >= 2 and bare in plain(told or question) and not held and not (
            asking and bare in plain(" ".join(asking))):
        bonus -= value  # "react to `/opencode fix this` comments": what the message already quotes answers nothing
    if copied:
        bonus += value * held
    if FOR_SUBSCRIBERS.match(unit.text) and unit.passage == 0:  # on the page retrieval put first, never pulling another in
        bonus += value / 2
    if said in boilerplate(str(settings.corpus_dir)):
        bonus -= value / 2  # the site's repeated note, not the page's own answer
    return bonus


def _unit_matrix(passage: Passage, found: list[Unit], embedder: Embedder) -> np.ndarray:
    """The passage's unit vectors as ingestion stored them; a passage built by hand (not by the retriever) has
    none, and only then are its units embedded here."""
    stored = passage.unit_vectors
    if stored is not None and len(stored) == len(found):
        return stored
    return embedder.embed([u.text for u in found])


def _question_vector(passage: Passage, embedder: Embedder) -> np.ndarray:
    if passage.question_vector is not None:
        return passage.question_vector
    return embedder.embed([passage.chunk.question])[0]


def _render(chosen: list[Unit]) -> str:
    """Units as lines, in the order given; a list item as a bullet."""
    return "\n".join(("• " + clean(_BULLET.sub("", u.text))) if u.is_item else clean(u.text) for u in chosen)


_VERDICT = re.compile(r"^\s*(Yes|No)\s*[.,!;:]\s*")


def _without_verdict(text: str) -> str:
    """An FAQ answer without its opening "Yes." / "No.": the verdict on the FAQ's question, not on the subscriber's."""
    rest = _VERDICT.sub("", text, count=1)
    return rest[:1].upper() + rest[1:] if rest and rest != text else text


def _whole_answer(index: int, passage: Passage, limit: int) -> str:
    """An FAQ answer from its start, cut at a unit boundary to fit."""
    chosen, size = [], 0
    for unit in units(index, passage.chunk.text):
        size += len(clean(unit.text)) + 1
        if size > limit and chosen:
            break
        chosen.append(unit)
    while len(chosen) > 1 and _introduces_list(chosen[-1]):  # cut before a list we could not include
        chosen.pop()
    return _render(chosen)


def compose(question: str, passages: list[Passage], embedder: Embedder, settings: Settings | None = None,
            phrases: tuple[str, ...] = (), asking: tuple[str, ...] = (), told: str = "") -> tuple[str, list[int]]:
    """The answer text (at most HELPDESK_MAX_ANSWER_CHARS) and the indexes of the passages it quotes, scored with
    the settings' HELPDESK_EXTRACTIVE_* knobs (their defaults when no settings are given); `embedder`: the
    question's, and the units' of a passage that carries no stored vectors. `asking`: the message's question
    sentences (what kind of value they ask for); `told`: the whole message (what
    the subscriber already quoted answers nothing)."""
    text, used, _ = composed(question, passages, embedder, settings, phrases, asking, told)
    return text, used


def composed(question: str, passages: list[Passage], embedder: Embedder, settings: Settings | None = None,
             phrases: tuple[str, ...] = (), asking: tuple[str, ...] = (), told: str = "") -> tuple[str, list[int], float]:
    """`compose`, and the cosine of the question to the unit that leads the answer (1.0 for an FAQ's own answer to
    the same question, 0.0 for no answer): how close the closest sentence is, for a caller deciding to quote it."""
    settings = settings or Settings()
    limit, quoted = settings.max_answer_chars, settings.extractive_passages
    found = [(p, units(i, p.chunk.text, p.chunk.section)) for i, p in enumerate(passages[:quoted])]
    candidates = [u for _, passage_units in found for u in passage_units]
    if not candidates:
        return "", [], 0.0
    question_vector = embedder.query(question)
    faq = [(i, p) for i, p in enumerate(passages[:quoted]) if p.chunk.question]
    if faq:
        # When the subscriber asked an FAQ's question in other words, the FAQ's own answer is the best answer.
        asked = np.asarray([_question_vector(p, embedder) for _, p in faq]) @ question_vector
        top = int(np.argmax(asked))
        if asked[top] >= settings.extractive_same_question:
            index, passage = faq[top]
            return _whole_answer(index, passage, limit), [index], 1.0
    vectors = np.vstack([_unit_matrix(p, passage_units, embedder) for p, passage_units in found if passage_units])
    wanted = asked_values(asking, question)
    cosines = vectors @ question_vector
    scores = cosines + np.array([_bonus(question, u, wanted, settings, phrases, told, asking) for u in candidates])
    scores[[i for i, u in enumerate(candidates) if _VERDICT.fullmatch(clean(u.text)) or u.is_heading]] = -np.inf
    best = int(np.argmax(scores))
    lead = candidates[best]
    lead_passage = passages[lead.passage]
    if lead_passage.chunk.question:
        # A short FAQ answer reads best whole, in its own order; but its bare "Yes." or "No." answered the FAQ's own
        # question, which is not the one asked (that case returned above): quoted alone, it would answer this one.
        whole = _without_verdict(_whole_answer(lead.passage, lead_passage, limit))
        if clean(lead.text) in whole and len(whole) <= limit:
            return whole, [lead.passage], float(cosines[best])
    same_passage = [u for u in candidates if u.passage == lead.passage]
    chosen = [lead]
    size = len(clean(lead.text))

    def add(unit: Unit) -> bool:
        nonlocal size
        extra = len(clean(unit.text)) + 1
        if unit in chosen or size + extra > limit:
            return False
        chosen.append(unit)
        size += extra
        return True

    if _label(lead):
        # "Webpage fetch failed", "Issue: Search returns empty results": a troubleshooting section's name or its
        # restated problem answers nothing; its section does ("Solutions:" and the steps), so it follows.
        for unit in same_passage[lead.order + 1:]:
            if unit.heading != lead.heading and not _label(unit) or not add(unit) or len(chosen) >= LABEL_FOLLOW:
                break
    elif _step_title(lead, same_passage):
        # "3. Configure Frontend Environment": a numbered step's title says what the step is, its body (the sentence and
        # the code block under it) how; the body follows, up to the next step.
        for unit in same_passage[lead.order + 1:]:
            if unit.is_item or not add(unit) or len(chosen) >= LABEL_FOLLOW:
                break
    elif _introduces_list(lead):
        # "as follows:" is no answer without what follows: the list items or the code block.
        for unit in same_passage[lead.order + 1:]:
            if not (unit.is_item or _FENCE.match(unit.text)) or not add(unit):
                break
    elif lead.is_item and not lead.is_row:
        # The siblings of the item, so "Lite: 100" comes with Pro and Max, led by their introduction.
        start = lead.order
        while start > 0 and same_passage[start - 1].is_item:
            start -= 1
        end = lead.order
        while end + 1 < len(same_passage) and same_passage[end + 1].is_item:
            end += 1
        if end - start + 1 <= LONG_LIST:  # a longer list (an API's parameters) is a reference: its item stands alone
            if start > 0 and _introduces_list(same_passage[start - 1]):
                add(same_passage[start - 1])
            for unit in same_passage[start:]:
                if unit in chosen:
                    continue
                if not unit.is_item or not add(unit):
                    break
    else:
        # A sentence that ends on a colon-less statement may still need the next one ("Example: ...").
        ranked = sorted((i for i, u in enumerate(candidates) if u.passage == lead.passage and i != best),
                        key=lambda i: -scores[i])
        for i in ranked[:2]:
            if scores[i] >= scores[best] - settings.extractive_tie_band:
                add(candidates[i])
    main = sorted(chosen, key=lambda u: u.order)  # the lead's own block, in document order
    _fill(chosen, add, candidates, scores, cosines, best, passages[:quoted], settings)
    neighbours = sorted(chosen[len(main):], key=lambda u: (u.passage != lead.passage, u.passage, u.order))
    shown = _introduced(main + neighbours, {i: passage_units for i, (_, passage_units) in enumerate(found)}, add)
    return _render(shown), sorted({u.passage for u in shown}), float(cosines[best])


def _introduced(ordered: list[Unit], by_passage: dict[int, list[Unit]], add) -> list[Unit]:
    """A quoted introduction ("In the project root directory, modify `.env.development`:") is followed by what it
    introduces, its code block or its list (the items that fit), wherever it came from (a close runner-up, a
    neighbour); one whose block cannot start is left out: a colon with nothing after it answers nothing. An item
    ending on a colon ("• Other Configurations:") is a list's own label, left as it is."""
    shown: list[Unit] = []
    for unit in ordered:
        if unit in shown:
            continue
        following: list[Unit] = []
        if _introduces_list(unit) and not unit.is_item:
            for after in by_passage.get(unit.passage, [])[unit.order + 1:]:
                if not (after.is_item or _FENCE.match(after.text) and not following) \
                        or not (after in shown or after in ordered or add(after)):
                    break
                following.append(after)
                if not after.is_item:
                    break  # one code block
            if not following and by_passage.get(unit.passage, [])[unit.order + 1:unit.order + 2]:
                nxt = by_passage[unit.passage][unit.order + 1]
                if nxt.is_item or _FENCE.match(nxt.text):
                    continue  # its block does not fit
        shown.append(unit)
        shown += [after for after in following if after not in shown]
    return shown


_TOKENS = re.compile(r"\w+")
# A page's banner ("Christmas Deal: Enjoy 50% off ... Subscribe (https://z.ai/subscribe?utm_source=...)"): it may lead
# when asked about, never tag along.
PROMOTION = re.compile(r"utm_source=|\b\d+%\s*off\b", re.I)


def _same_words(a: str, b: str) -> bool:
    """Two units that say nearly the same thing (a second copy of a code block, one step restated)."""
    x, y = set(_TOKENS.findall(a.lower())), set(_TOKENS.findall(b.lower()))
    return bool(x and y) and len(x & y) / len(x | y) >= 0.6


def _fill(chosen: list[Unit], add, candidates: list[Unit], scores: np.ndarray, cosines: np.ndarray, best: int,
          passages: list[Passage], settings: Settings) -> None:
    """Real messages ask more than one thing, and the sentence that answers is often the lead's neighbour on the same
    page ("enabled by default on the Coding Plan endpoint" beside "turn it on for the API"): the best other units of
    the lead's document, each nearly as close to the question as the lead, follow while the answer stays short. A
    list's introduction without its list, a title, a restated problem, a banner or a second copy of a chosen unit adds
    nothing."""
    band, room = settings.extractive_fill_band, settings.extractive_fill
    if not band or not room:
        return
    doc = passages[candidates[best].passage].chunk.doc_id
    ranked = sorted((i for i, u in enumerate(candidates) if passages[u.passage].chunk.doc_id == doc
                     and np.isfinite(scores[i]) and u not in chosen), key=lambda i: -scores[i])
    for i in ranked:
        if room <= 0 or scores[i] < scores[best] - band:
            return
        unit = candidates[i]
        if cosines[i] < cosines[best] - band or _introduces_list(unit) or _label(unit) or unit.is_heading \
                or PROMOTION.search(unit.text) or any(_same_words(unit.text, c.text) for c in chosen):
            continue
        if add(unit):
            room -= 1
