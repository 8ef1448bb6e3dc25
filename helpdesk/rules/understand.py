"""Question -> intent and slots, for the questions the rules layer answers exactly.

Robust to case, word numbers ("ten days ago"), common typos (fuzzy-matched against a domain lexicon) and
Chinese keywords. A question that names no rule intent, or names another company's product, is left alone
(intent None) so it falls through to retrieval untouched.

This module reads the question; it does not decide intents one by one. Each intent's trigger lives with its
handler in a family module (quota.py, pricing.py, referral.py, tools.py) and `intent_of` asks the registry
(registry.py) for the first that fires. To add an intent, touch that one family module; a new kind of slot is
added here, to `Slots` and `slots()`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields, replace

from functools import lru_cache

from helpdesk.message import documented_words, is_chinese, ranked_plans, without_foreign_quota
from helpdesk.rules import registry

PLANS = ("lite", "pro", "max")
LEXICON = sorted(set("""
upgrade upgrading upgraded downgrade downgrading cancel cancelling canceling cancellation refund refunds refundable
quota quotas prompts prompt plan plans lite monthly quarterly annual annually yearly referral referrals invite
invites invited inviting invitation friend friends credits credit discount search searches reader readers
vision price prices pricing cost costs charge charged billing cycle weekly tokens input output models model
endpoint subscription subscribe subscribed renew renewal withdraw minimum calls hours days months weeks
deducted deduction balance payment percentage reward rewards multiplier mapping default supported tools
cached window month week year
""".split()))
# Ordinary words one edit away from a domain word: never "correct" them (calling -> cancelling, change -> charge).
PROTECTED = frozenset("""
change changes changed changing calling called caller version versions running streaming channel chance share
shared account accounts cache caching charging cancel prompt quote quoted upgrades refunded recharge recharged
recharging recharges discharge education educational student students academic university coupon coupons voucher
vouchers promotion promotions induction reduction plain early willing regard picking reads edits grade modes const
supposed friendly balanced manual manually multiple dedicated header headers windows research readme renewed
""".split())
WORD_NUMBERS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "a hundred": 100,
}
CHINESE_NUMBERS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
# another company's product as the subject ("a GitHub token for zread", "my GitHub repo" are only where things live)
OTHER_PRODUCTS = re.compile(
    r"\b(claude (pro|max)|cursor pro|chatgpt|openai (plus|subscription|plan|account)|my openai|copilot|netflix|"
    r"gemini (pro|advanced)|anthropic('s)? (price|pricing|plan|subscription)|spotify|aws|azure|github('s)? (pro|team|enterprise|actions|"
    r"codespaces|billing|subscription|plans?|sponsors)|stripe|"
    r"my own (app|website|site|store|product)|my (app|customers?|users)'?s?|kimi|moonshot|minimax|doubao|deepseek|"
    r"qwen|qianfan|dashscope|volcengine|baidu|opencode go)\b|千帆|百度|豆包|通义|火山|月之暗面")
MONTHS = {m: i for i, m in enumerate(
    "january february march april may june july august september october november december".split(), start=1)}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})


@dataclass(frozen=True)
class Slots(Mapping):
    """What a question states, typed. A slot is *set* when the question states it (not None, False, [] or {});
    read it as an attribute (`s.plans`, empty when unset) or, like a dict of the set slots, `s["plans"]`,
    `"plans" in s`, `s.get("plans")`, `s.items()`. Lists stay lists: callers compare them with lists."""
    plans: list[str] = field(default_factory=list)  # "lite" / "pro" / "max", in the order named, repeats kept
    cycles: list[str] = field(default_factory=list)  # "monthly" / "quarterly" / "annual", in the order named
    money: list[float] = field(default_factory=list)  # USD amounts
    percent: list[float] = field(default_factory=list)
    days_used: int | float | tuple[str, int] | None = None  # days of the cycle used; ("day", N) = the Nth day,
    #                                                        ("halfway", 15) = an assumption, stated in the answer
    days_said: str | None = None  # how the user put days_used, for the stated assumption
    hours: list[float] = field(default_factory=list)  # durations in hours ("3 days" is 72.0)
    tokens: dict[str, float] = field(default_factory=dict)  # "input" / "output" / "cached" -> token count
    api_model: str | None = None  # a general-API model id, "glm-4.5-air"
    glm5: bool = False  # GLM-5 itself named (a later GLM-5.x is not GLM-5)
    date: dt.datetime | None = None
    count: int | None = None  # friends / invites / referrals
    other_currency: bool = False  # an amount in a currency other than USD

    def _set(self) -> dict:
        return {f.name: v for f in fields(self) if (v := getattr(self, f.name)) is not None and v is not False
                and v != [] and v != {}}

    def __getitem__(self, key: str):
        return self._set()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._set())

    def __len__(self) -> int:
        return len(self._set())

    def merged(self, later: "Slots") -> "Slots":
        """These slots with every slot `later` sets replacing this one's."""
        return replace(self, **later._set())


@dataclass(frozen=True)
class Parsed:
    intent: str | None
    slots: Slots = field(default_factory=Slots)
    language: str = "en"
    text: str = ""  # the normalised question the slots were read from
    story: str = ""  # the message's own words around the question (never a paste): where a situation is told

    def with_slots(self, **slots) -> "Parsed":
        return replace(self, slots=replace(self.slots, **slots))


def _word_numbers(text: str) -> str:
    text = re.sub(r"\b(a|one) week\b", "7 days", text)
    text = re.sub(r"\b(a|one) month\b", "30 days", text) if re.search(r"\bmonth (ago|in)\b", text) else text
    text = re.sub(r"\bhalf (a|an) (hour|day)\b", r"0.5 \2", text)
    text = re.sub(r"\b(twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)[- ](one|two|three|four|five|six|"
                  r"seven|eight|nine)\b", lambda m: str(WORD_NUMBERS[m.group(1)] + WORD_NUMBERS[m.group(2)]), text)
    for word, number in sorted(WORD_NUMBERS.items(), key=lambda kv: -len(kv[0])):
        text = re.sub(rf"\b{word}\b", str(number), text)
    text = re.sub(r"\b(\d+) weeks?\b", lambda m: f"{int(m.group(1)) * 7} days", text)
    return text


@lru_cache(maxsize=1)
def _real_words() -> frozenset[str]:
    """Words the docs themselves use ("dedicated", "multiple", "header", "windows"): no typo of a rule word.
    Read from the configured corpus once; without it, only the lexicon and PROTECTED count."""
    try:
        from helpdesk.settings import Settings
        return documented_words(str(Settings.from_env().corpus_dir))
    except Exception:  # noqa: BLE001 - a missing corpus must not break parsing; the typo fixer is a convenience
        return frozenset()


def _fix_typos(text: str) -> str:
    def fix(match: re.Match) -> str:
        word = match.group(0)
        if len(word) < 5 or word in LEXICON or word in PROTECTED or word.isdigit():
            return word
        if re.match(r"(un|non|dis|re|in)", word) and any(word[n:] in LEXICON for n in (2, 3)):
            return word  # "unsupported", "unsubscribe", "resubscribed" are not "supported" or "subscribe"
        close = difflib.get_close_matches(word, LEXICON, n=1, cutoff=0.82)
        if not close:
            return word
        stem = close[0]
        if stem.endswith(word) and len(stem) - len(word) >= 2:
            return word  # "funds" is no slip of "refunds": a word with a prefix more is another word
        inflection = word.startswith(stem[:-1]) or stem.startswith(word[:-1])  # "endpoints" -> "endpoint": kept as before
        if inflection and len(stem) > len(word) + 1:
            return word  # "support" is no typo of "supported": a longer ending changes the word, it mends no slip
        # a word the docs use ("dedicated", "multiple", "header") is no typo of another rule word ("deducted")
        return stem if inflection or word not in _real_words() else word
    return re.sub(r"[a-z]+", fix, text)


def _chinese_numbers(text: str) -> str:
    return re.sub(r"([一二两三四五六七八九十])(?=\s*(个)?(小时|天|次|周|月|年))",
                  lambda m: str(CHINESE_NUMBERS[m.group(1)]), text)


def normalise(question: str) -> str:
    text = without_foreign_quota(unicodedata.normalize("NFKC", question).lower().replace("’", "'").replace("‘", "'"))
    text = _chinese_numbers(text)
    # A later version ("GLM-5.1", "glm5.2") is not GLM-5: the docs say nothing of it, so no GLM-5 rule may answer.
    text = re.sub(r"\bglm[\s-]?5\.(\d)", r"glm5v\1", text)
    text = re.sub(r"\bglm[\s-]?5\b", "glm-5", text)
    text = re.sub(r"\bglm[\s-]?4\.(\d)", r"glm-4.\1", text)
    if "glm-4." in text:  # "price for glm-4.7? and 4.5-air?", "4.6 呢": a follow-up naming the model by its version alone
        text = re.sub(r"(?<![\w.$¥-])4\.(\d)((?:v|-airx|-air|-flashx|-flash|-x)(?![\w.])|(?=\s*呢))", r"glm-4.\1\2", text)
        text = re.sub(r"\b(and|or|what about|how about|same for)\s+4\.(\d)(?=\s*[?？])", r"\1 glm-4.\2", text)
    text = re.sub(r"(\d)\s*(k)\b", lambda m: f"{m.group(1)}000", text)
    return _word_numbers(_fix_typos(text))


# ---- slots ----------------------------------------------------------------------------------------------

def plans_in(text: str) -> list[str]:
    found = []
    text = re.sub(r"\b(claude|cursor|chatgpt|copilot|gemini) (pro|max|plus)\b", "", text)
    for m in re.finditer(r"(?<!\d-)\b(lite|pro|max)\b", text):  # ("gemini-2.5-pro" is a model, not the plan)
        after = text[m.end():m.end() + 16]
        if m.group(1) == "max" and re.match(r"\s*(output|tokens?|context|length|size|video|file|number|of)\b", after):
            continue
        found.append(m.group(1))
    for word, plan in (("轻量", "lite"), ("专业", "pro"), ("旗舰", "max"), ("lite套餐", "lite"), ("pro套餐", "pro"),
                       ("max套餐", "max")):
        if word in text:
            found.append(plan)
    return found + [plan for plan in ranked_plans(text) if plan not in found]


def cycles_in(text: str) -> list[str]:
    """The billing cycles a text names, in order ("去年买的 Lite 月付 ... 年付的也会自动续吗": monthly, then annual)."""
    return _cycles(text.lower())


def _cycles(text: str) -> list[str]:
    names = {"monthly": "monthly", "month-to-month": "monthly", "quarterly": "quarterly", "quarter": "quarterly",
             "annual": "annual", "annually": "annual", "yearly": "annual", "year": "annual", "包月": "monthly",
             "月付": "monthly", "季": "quarterly", "年付": "annual", "包年": "annual"}
    hits = sorted((m.start(), names[m.group(0)]) for m in re.finditer("|".join(map(re.escape, names)), text))
    return [name for _, name in hits]


_AMOUNT = r"(?<![\d,.])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"  # "1,350" is one amount, not 350


def _money(text: str) -> list[float]:
    values = [float(m.group(1).replace(",", "")) for m in re.finditer(r"\$\s?" + _AMOUNT.replace("(?<![\d,.])", ""), text)]
    for m in re.finditer(rf"(?:{_AMOUNT}\s?(?:or|and|to|-|/)\s?)?{_AMOUNT}\s?(?:usd|dollars?|bucks|美元|刀)\b", text):
        values += [float(g.replace(",", "")) for g in m.groups() if g]
    return values


def _percentages(text: str) -> list[float]:
    return [float(m.group(1)) for m in re.finditer(r"(\d+(?:\.\d+)?)\s?(?:%|percent\b)", text)]


def days_used_in(text: str) -> tuple[int | None, str | None]:
    """Days of the current cycle already used, and how the user said it (for the stated assumption)."""
    m = re.search(r"\bday (\d+)\b", text) or re.search(r"第\s*(\d+)\s*天", text)
    if m:  # "day 5" is the fifth day: 4 days used (the respond step records that subtraction)
        return ("day", int(m.group(1))), f"day {m.group(1)} of your cycle"
    m = (re.search(r"(\d+(?:\.\d+)?) days? (?:ago|in|into|since|of use|already)", text)
         or re.search(r"(?:for|after|been|used|used it for|had it for|subscribed for) (?:about |around )?(\d+(?:\.\d+)?) days?", text)
         or re.search(r"(\d+)\s*天(?:前|后)?", text))
    if m:
        days = float(m.group(1))
        return int(days) if days.is_integer() else days, f"{m.group(1)} days used"
    if re.search(r"\b(same day|(bought|subscribed|purchased) [a-z ]{0,20}(today|this (morning|afternoon|evening))|"
                 r"(today|this morning) i (bought|subscribed)|just "
                 r"(bought|subscribed|purchased)|right after (buying|purchase|subscribing)|immediately after)\b",
                 text) or "当天" in text:
        return 0, "the same day as the purchase"
    if re.search(r"\b(halfway|half way|mid-?cycle|middle of (my|the) (cycle|month))\b", text):
        return ("halfway", 15), "halfway through a 30-day cycle, i.e. 15 days used"
    return None, None


# "paid 3 days ago", "noticed it three weeks ago", "两天前付的": when something happened, not a span between two events
# (a payment "3 days later"); one that dates the sign-up ("signed up with my code 20 hours ago and just paid") is one
_AGO = re.compile(r"\s*(ago|before now)\b|\s*(前|以前|之前)")
_SIGNED_UP = re.compile(r"(signed up|sign up|registered|joined|clicked|invited|used my (link|code)|注册|点了|点击|邀请)")


# time since, not a gap between two events: "it's been 5 days, no credits", "5 days since he paid", "已经过去快一周"
_SINCE_BEFORE = re.compile(r"(\b(it'?s|it has|has|have|'ve) been|\bfor (the )?(past|last)|已经过去了?|过去了?|已经|到现在|至今|"
                           r"到今天)\s*(about|like|almost|over|nearly|roughly|快|差不多|将近|大概|已经)?\s*$", re.I)
_SINCE_AFTER = re.compile(r"\s*(since|now\b|了)", re.I)  # ("14 个小时了": it has been 14 hours)


# ...unless the payment ends it: "it's been 4 days now; he finally paid this morning", "已经 4 天了才付款"
_PAID_AT_END = re.compile(r"(才|finally|only then|then|just now|this morning|today|今天|刚刚?).{0,20}(paid|pays|paying|付款|付了|付费|"
                          r"支付|买了|下单)", re.I)


def span_between(text: str, m: re.Match) -> bool:
    if (_SINCE_BEFORE.search(text[max(0, m.start() - 24):m.start()]) or _SINCE_AFTER.match(text, m.end())) and not \
            _PAID_AT_END.search(text[m.end():m.end() + 60]):
        return False
    return not _AGO.match(text, m.end()) or bool(_SIGNED_UP.search(text[max(0, m.start() - 50):m.start()]))


def _hours(text: str) -> list[float]:
    hours = [float(m.group(1)) for m in re.finditer(r"(\d+(?:\.\d+)?)\s?(?:hours?|hrs?|h)\b", text) if span_between(text, m)]
    hours += [float(m.group(1)) * 24 for m in re.finditer(r"(\d+(?:\.\d+)?)\s?days?\b", text) if span_between(text, m)]
    hours += [float(m.group(1)) for m in re.finditer(r"(\d+(?:\.\d+)?)\s?(?:个)?小时", text) if span_between(text, m)]
    return hours


def _tokens(text: str) -> dict[str, float]:
    """Token amounts by kind: "2M input tokens", "500k output", "1M cached input tokens"; "per 1M tokens", "每 1M tokens" is a unit."""
    scale = {"": 1, "k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "mtok": 1e6, "b": 1e9, "billion": 1e9}
    found: dict[str, float] = {}
    pattern = (r"\b(\d+(?:[.,]\d+)*)\s?(thousand|million|mtok|billion|k|m|b)?\b\s?"
               r"((?:cached )?(?:input|output|prompt|completion|cached))?\s?(tokens?)?")
    for m in re.finditer(pattern, text):
        kind, unit = m.group(3), m.group(4)
        if not kind and not unit or kind in ("prompt", "completion") and not unit:
            continue  # "1600 prompts" counts prompts, not prompt tokens
        before = text[max(0, m.start() - 4):m.start()]
        if re.search(r"glm[\s-]?$|v$", text[max(0, m.start() - 5):m.start()]):
            continue  # "GLM-4.7 output tokens": the model's number, not an amount
        if "per" in before or re.search(r"每\s*$", before) or (not kind and not re.search(r"\btokens?\b", m.group(0))):
            continue
        if re.match(r"\s?(/|per |a |an |every |each )\s?(s\b|sec|second|min|minute|hour|h\b)|\s?(tok/s|t/s|tps)\b|/s\b|每秒",
                    text[m.end():m.end() + 16]):
            continue  # "10 tokens/sec": a speed, not an amount to price
        try:
            amount = float(m.group(1).replace(",", "")) * scale[(m.group(2) or "")]
        except ValueError:  # "0.9.0 tokens": a version number, not an amount
            continue
        if not kind:
            after = text[m.end():m.end() + 14]
            kind = "output" if re.search(r"\b(out|output|completion)\b", after) else "input"
        kind = "cached" if "cached" in kind else {"prompt": "input", "completion": "output"}.get(kind, kind)
        found[kind] = found.get(kind, 0) + amount
    return found


def _api_model(text: str) -> str | None:
    m = re.search(r"glm-4\.(\d)(v)?(-flashx|-flash|-airx|-air|-x)?", text)
    if not m:
        return None
    return f"glm-4.{m.group(1)}{m.group(2) or ''}{m.group(3) or ''}"


def _date(text: str, today: dt.date) -> dt.datetime | None:
    m = re.search(r"(\d{4})-(\d{2})-(\d{2})(?:(?:[ t]|\s+at\s+)(\d{1,2}):(\d{2}))?", text)
    if m:
        return dt.datetime(int(m.group(1)), int(m.group(2)), int(m.group(3)), int(m.group(4) or 0),
                           int(m.group(5) or 0))
    month_names = "|".join(sorted(MONTHS, key=len, reverse=True))
    m = (re.search(rf"\b({month_names})\.? (\d{{1,2}})(?:st|nd|rd|th)?\b", text)
         or re.search(rf"\b(\d{{1,2}})(?:st|nd|rd|th)? (?:of )?({month_names})\b", text))
    if not m:
        return None
    month, day = (m.group(1), m.group(2)) if not m.group(1).isdigit() else (m.group(2), m.group(1))
    t = re.search(r"\b(?:at )?(\d{1,2})(?::(\d{2}))?\s?(am|pm)\b", text) or re.search(r"\bat (\d{1,2}):(\d{2})\b", text)
    hour, minute = 0, 0
    if t:
        hour, minute = int(t.group(1)) % 12 if len(t.groups()) > 2 and t.group(3) else int(t.group(1)), int(t.group(2) or 0)
        if len(t.groups()) > 2 and t.group(3) == "pm":
            hour += 12
    try:
        candidate = dt.datetime(today.year, MONTHS[month], int(day), hour, minute)
    except ValueError:
        return None
    if candidate.date() < today - dt.timedelta(days=180):
        candidate = candidate.replace(year=today.year + 1)
    return candidate


def _count(text: str) -> int | None:
    m = re.search(r"(\d+)\s?(?:friends|invites|invitations|people|referrals|users)\b", text) or re.search(
        r"(\d+)\s*(?:个|位)?(?:好友|朋友)", text) or re.search(r"(?<![\d.])(\d+)\s*(?:个|位)?人(?:的话)?(?:算|是|能)", text)
    return int(m.group(1)) if m else None


def _held(plan: str, text: str) -> bool:
    """The plan the subscriber says they have: "my Lite month", "I'm on Lite", "current Lite plan", "我的 Lite 套餐"
    ("my Pro cost $26", "for my Max" name the plan bought, not one held)."""
    return bool(re.search(rf"\b(my|current|my current) {plan} (month|plan|subscription|cycle|period|term)\b|\b(i'?m|i am) "
                          rf"(currently |still )?on {plan}\b|\bcurrently on {plan}\b|(我的|当前的?)\s*{plan}\s*(套餐|月|包)",
                          text, re.I))


# an upgrade's direction said outright: where from ("from Lite", "Lite →", "从 Lite") and where to ("move to Pro",
# "upgrade to Pro", "升级到 Pro")
_FROM = re.compile(r"\bfrom (lite|pro|max)\b|\b(lite|pro|max)\s*(→|->|=>)|从\s*(lite|pro|max)", re.I)
_TO = re.compile(r"\b(upgrad\w*|switch\w*|mov\w*|go|going|went|chang\w*|downgrad\w*|jump\w*|bump\w*|migrat\w*)( \w+){0,2} "
                 r"(to|into) (lite|pro|max)\b|(升级|升|换|改|降级|降)(到|至|成|回|回到)\s*(lite|pro|max)", re.I)


def _plans_held_first(text: str) -> list[str]:
    """The plans named, the one moved from first: "from Lite to Pro", "move to Pro before my Lite month is over" and
    "does the Pro quota kick in before my Lite month is over?" are all Lite → Pro."""
    plans = plans_in(text)
    if len(set(plans)) != 2:
        return plans
    # the move said last is the one asked ("I switched to Lite from Pro last week; how much to switch back to Pro?")
    origin = next(reversed(list(_FROM.finditer(text))), None)
    target = next(reversed(list(_TO.finditer(text))), None)
    if origin and target and target.start() > origin.start():
        origin = None
    first = next((g for g in (origin.groups() if origin else ()) if g and g.lower() in plans), None)
    if first is None and target:
        last = next(g for g in reversed(target.groups()) if g and g.lower() in ("lite", "pro", "max")).lower()
        first = next((p for p in plans if p != last), None) if last in plans else None
    if first is None and _held(plans[-1], text) and not _held(plans[0], text):
        first = plans[-1]
    if first is not None and first != plans[0]:
        plans = [first, *[p for p in plans if p != first]]
    return plans


def moved_as_told(plans: list[str], asked: str, story: str) -> list[str]:
    """Two plans asked of with no direction in the question ("do I pay the full 30 again on top of the 6? does Pro kick
    in right now or do I sit on Lite?") move the way the story says: "bought the Lite monthly this morning ... thinking
    of jumping to Pro" is Lite → Pro."""
    if len(set(plans)) != 2 or _FROM.search(asked) or _TO.search(asked) or not (_FROM.search(story) or _TO.search(story)):
        return plans
    told = _plans_held_first(story.lower())
    if len(set(told)) != 2 or set(told) != set(plans) or told[0] == plans[0]:
        return plans
    return [told[0], *[p for p in plans if p != told[0]]]


def slots(text: str, today: dt.date) -> Slots:
    days, days_said = days_used_in(text)
    return Slots(
        plans=_plans_held_first(text), cycles=_cycles(text), money=_money(text), percent=_percentages(text),
        days_used=days, days_said=days_said, hours=_hours(text), tokens=_tokens(text),
        api_model=_api_model(text), glm5="glm-5" in text, date=_date(text, today), count=_count(text),
        other_currency=bool(re.search(r"(€|£|¥|\beuros?\b|\bgbp\b|\byen\b|\brmb\b|\bcny\b|\binr\b|人民币)", text)),
    )


# ---- intents --------------------------------------------------------------------------------------------
# Each intent's trigger lives beside its handler in its family module (helpdesk/rules/registry.py says which);
# what is here is the vocabulary several families share.

def matches(text: str, *patterns: str) -> bool:
    return any(re.search(p, text) for p in patterns)


COST = r"\b(cost|costs|price|prices|pricing|pay(?![- ]as[- ]you[- ]go|[- ]per[- ]token)|paying|charge|charged|fee|much|expensive|cheap|cheaper)\b|多少钱|价格|费用|收费|(?<![年季月量])付"
QUOTA = r"\b(prompts?|quota|usage|limit|limits|allowance|requests?)\b|额度|次数|多少次|几次|提示|用量"
# When a plan bought beside the current one takes effect: now, after it, on top of it ("does it stack?", "do I lose the
# rest of this month?", "是覆盖掉现在的包季，还是接着算？"): what the upgrade rules answer, whatever the story's price words
TAKES_EFFECT = (r"\b(start|starts|begin|begins|take effect|takes effect|kick in|kicks in)\b.{0,20}\b(now|immediately|right "
                r"away|straight away|today|when|after|once)\b",
                r"\blose\b.{0,30}\b(days?|months?|time|rest|remaining)\b",
                r"\b(stack|stacks|stacked|stacking)\b|\b(on top of|added on|adds? on)\b",
                r"覆盖|顶掉|叠加|累加|顺延|接着(算|用|续)|(剩下|剩余).{0,8}(作废|浪费|没了|白费)")


# A yes/no question whose only figure word is a noun ("Is the Lite quota shared with chat.z.ai?", "Can I pause my Pro
# subscription and keep the same price and quota?") asks something of the quota or the price, not its amount; one that
# names a figure, a window, a change or a comparison ("Is Max still 2400 prompts per five hours?", "is Pro's quota
# enough?", "did my quota get cut?", "does Pro cost more?") asks the amount.
POLAR_START = re.compile(r"^\W*(is|are|was|were|can|could|does|do|did|will|would|should|may|has|have)\b(?! there\b)",
                         re.I)  # "is there regional pricing?" asks whether such a figure exists
AMOUNT_CUE = (r"\bhow (many|much)\b|\d|\b(five|five-hour|per (day|week|month)|every|enough|sufficient|higher|lower|"
              r"more|less|bigger|smaller|same as|double|compare\w*|than|still|correct|right|true|cut|reduc\w*|drop\w*|"
              r"chang\w*|shr[iu]nk\w*|increas\w*|decreas\w*|different|cost|costs|expensive|cheap\w*|worth|pay|paying|"
              r"charge\w*|fee|discount\w*)\b")


def asks_of_it(text: str) -> bool:
    """Every question sentence is a yes/no one with no amount cue: the figure is what it asks about, not for."""
    asking = [q for q in re.split(r"(?<=[.!?])\s+", text) if q.strip().endswith("?")]
    # the window's name is no amount asked: "does the 5 hour window start with my first prompt?"
    named = [re.sub(r"\b(5|five)[\s-]?(hours?|h|hr)\b(?=[\s-]*(window|cycle|quota|limit|reset|period|block))", " ", q, flags=re.I)
             for q in asking]
    return bool(named) and all(POLAR_START.search(q) and not re.search(AMOUNT_CUE, q, re.I) for q in named)


def intent_of(text: str, s: Slots) -> str | None:
    """The rule intent, or None when the question is not one the rules answer exactly: the first registered intent,
    by precedence, whose trigger fires; never one for a question about another company's product."""
    # "the landing page says '3x Claude Pro'": the docs' own comparison, not a question about Claude
    if OTHER_PRODUCTS.search(text) and not matches(text, r"\b(compar\w*|vs|versus|than|times|×|stack up|against)\b|\b\d+\s?(x|×)"):
        return None
    return registry.first_intent(text, s)


def parse(question: str, today: dt.date | None = None, plans: tuple[str, ...] = ()) -> Parsed:
    """`plans`: the plans the rest of the message names, for a question sentence that names none itself."""
    today = today or dt.date.today()
    text = normalise(question)
    s = slots(text, today)
    if plans and not s.plans:
        s = replace(s, plans=list(plans))
    return Parsed(intent=intent_of(text, s), slots=s, language="zh" if is_chinese(question) else "en", text=text)


FOLLOW_UP = re.compile(r"^\s*(and|what about|how about|and for|and on|and with|and if|same for|also|then|else|"
                       r"那|那么|如果)\b|^\s*(and|what about|how about)?\s*(on|for|with|if)?\s*(the )?"
                       r"(lite|pro|max|day \d+|\d+ days?)\b.{0,20}\?*\s*$")


def resolve(question: str, history: list[dict] | tuple = (), today: dt.date | None = None,
            plans: tuple[str, ...] = ()) -> Parsed:
    """The intent and slots for this turn, carrying the previous rule question's intent over a follow-up."""
    parsed = parse(question, today, plans)
    previous = [t["content"] for t in history if t.get("role") == "user" and t.get("content")]
    if parsed.intent is not None and previous and "?" not in previous[-1] and len(previous[-1].split()) <= 25 \
            and parse(previous[-1], today).intent is None:
        # A statement that set the scene ("I'm on Lite monthly, bought it this morning.") adds the plan they are on:
        # "what would moving to Pro cost?" is then an upgrade from Lite, not Pro's list price.
        together = parse(f"{previous[-1]} {question}", today, plans)
        if together.intent is not None and len(together.slots.get("plans") or ()) > len(parsed.slots.get("plans") or ()):
            return Parsed(intent=together.intent, slots=together.slots, language=parsed.language, text=together.text)
    if parsed.intent is not None or not history:
        return parsed
    words = len(parsed.text.split())
    has_slots = any(k in parsed.slots for k in ("plans", "days_used", "money", "cycles", "date", "tokens", "hours", "count"))
    follow_up = bool(FOLLOW_UP.search(parsed.text)) or (words <= 8 and has_slots)
    if not previous or words > 12 or not (follow_up or has_slots):
        return parsed
    before = resolve(previous[-1], [{"role": "user", "content": p} for p in previous[:-1]], today)
    if before.intent is None:
        # The previous turn was no rule question on its own, but may set the scene for this one ("I invited a
        # friend." then "They paid 50 dollars. How much do I get?"): read the two together.
        together = parse(f"{previous[-1]} {question}", today, plans)
        if together.intent is not None and has_slots:
            return Parsed(intent=together.intent, slots=together.slots, language=parsed.language, text=together.text)
        return parsed
    if not follow_up:
        return parsed
    merged = registry.intent(before.intent).carry(before.slots, parsed.slots)
    return Parsed(intent=before.intent, slots=merged, language=parsed.language, text=parsed.text)
