"""Quota intents: prompts per 5 hours, model calls, plan ratios, the weekly quota, the February 12 grandfathering,
models per plan, MCP (web search / reader / vision) quotas, running out, rate limits.

Each intent is one unit here: its trigger(s), `@register(...)` with its precedence and the facts it may cite, and its
handler. To add a quota intent, add a unit to this module (helpdesk/rules/registry.py explains `When` and groups);
to add or change a figure, corpus/facts.toml.
"""

from __future__ import annotations

import re

from helpdesk.message import USAGE_TOLD
from helpdesk.rules.registry import When, group, register
from helpdesk.rules.respond import PLAN_NAMES, Reply, money, number, plans_of
from helpdesk.rules.understand import COST, QUOTA, Parsed, Slots, asks_of_it, matches

# A quota answer needs a question about an amount: "prompts" in a privacy question or "usage" in a story is not one.
QUANTITY = (r"\bhow (many|much)\b|\b(quota|quotas|limit|limits|allowance|cap|caps)\b|\bper (5|five)|\bevery (5|five)|"
            r"\b5[- ]?h(ours?)?\b|\bper month\b|\bmonthly\b|\binclude[sd]?\b|多少|几次|上限|额度(是|有)|每\s*5\s*小时")
PLAN_FACTS = ("quota.lite", "quota.pro", "quota.max")
# A count per 5-hour window is a prompt count, the word "prompts" said or not: "pro is roughly 400 every 5h", "每 5 小时 80 次"
PER_WINDOW = r"\d\s*(every|per|/|a|each)\s*(5|five)[- ]?(h|hrs?|hours?)\b|每\s*5\s*(个)?小时\s*\d+\s*次|\d+\s*次\s*/\s*5\s*(h|小时)"


def glm5_prompts_asked(text: str, s: Slots) -> bool:
    """"How many GLM-5 prompts does each plan get?": before `models`, which would take any GLM-5 + plan question."""
    return s.glm5 and matches(text, r"\bprompts?\b|\bquota\b") and matches(
        text, r"\bhow many\b|\beach plan\b|\bper plan\b|\bevery 5|\b5 hours?\b|\bget\b")


STACKING = r"\b(buy|bought|purchase|purchased|subscribe to|get|stack|combine)\b.{0,20}\b(two|2|multiple|several|another|a second|more than one)\b.{0,20}\b(plans?|subscriptions?|lite|pro|max)\b"


# A figure someone else stated, told to be checked ("tutorials all say Lite is 120 per 5 hours, I hit 1308 at ~80"):
# the current figure answers it, question or not
# (a third party's word, not a screen of one's own: "my usage page says 350 prompts used" reports a count)
CLAIMED = re.compile(r"\b(tutorials?|articles?|videos?|blogs?|reddit|youtube|someone|people|a friend|others)\b.{0,20}\b(say|says|"
                     r"said|claim|claims|claimed)\b.{0,40}\d+\s*(prompts?|次)|"
                     r"(教程|网上|视频|文章|博客|别人|群里|帖子)[^。！？\n]{0,6}(说|写|讲)[^。！？\n]{0,20}\d+\s*(次|prompts?)", re.I)


# A count of something else: "how many API keys can one account have?", "最多能建多少个 API key", "几台设备"
COUNTED_OTHER = re.compile(r"\bhow many\s+(\w+\s+){0,2}?(api keys?|keys|devices?|machines?|computers?|accounts?|seats?|projects?|"
                           r"users?|people|members?|ides?|sessions?|windows|terminals?)\b|(多少|几)(个|台|位|把)\s*(api\s*)?(key|密钥|"
                           r"设备|账号|账户|项目|人|电脑|机器|成员|会话|窗口|终端)", re.I)


def prompt_quota_asked(text: str, s: Slots) -> bool:
    text = COUNTED_OTHER.sub(" ", text)  # (how many keys one may create asks no quota)
    if asks_of_it(text):
        return False  # "Is the Lite quota shared with chat.z.ai?"
    if matches(text, STACKING, r"(买|订阅)(两|2|多)个.{0,6}(套餐|订阅)"):
        return False  # "can I buy two Lite plans to double my quota?" asks about stacking, not Lite's quota
    if matches(text, r"\b(get|gets|is|be|being) (used|consumed|charged|deducted|touched)\b|\buses? (up )?(the |my )?(plan'?s? )?"
                     r"quota\b", r"(会|是否).{0,4}(消耗|使用|扣).{0,4}(套餐)?额度"):
        return False  # "does the quota get used when I call the API?" asks what draws on it, not how much there is
    if len(text.split()) >= 8 and not matches(text, r"\?|\b(how|what|which|is|are|does|do|can|will|tell me)\b", "多少", "几",
                                              "吗", "么") and not CLAIMED.search(text):
        return False  # "just reporting that my 5h limit reset late" states something; a figure answers no statement
    return (matches(text, QUOTA, PER_WINDOW) or bool(CLAIMED.search(text))) and matches(text, QUANTITY) and bool(s.plans or matches(
        text, r"\b5[- ]?hours?|five hours|5h|per plan|each plan|the plan", "5小时", "5 小时", "套餐"))


@register("plan_quota", When(240, glm5_prompts_asked), When(270, prompt_quota_asked),
          facts=(*PLAN_FACTS, "models.lite_no_glm5", "models.glm5_multiplier", "quota.estimates", "quota.refresh"))
def plan_quota(r: Reply, p: Parsed) -> str:
    plans = plans_of(p) or list(PLAN_NAMES)
    glm5 = p.slots.get("glm5")
    window = r.fact("quota.refresh") if p.language == "zh" else None
    lines, lines_zh = [], []
    for plan in plans:
        quota = r.fact(f"quota.{plan}")
        if glm5 and plan == "lite":
            r.fact("models.lite_no_glm5")
            lines.append("Lite: GLM-5 is not included in the Lite plan yet (it can only be used through the paid general API).")
            lines_zh.append("Lite 套餐暂不包含 GLM-5（只能通过按量付费的通用 API 使用）")
        elif glm5:
            mult = r.fact("models.glm5_multiplier")
            effective = r.calc("round(quota / multiplier)", quota=(quota, f"fact:quota.{plan}"),
                               multiplier=(mult, "fact:models.glm5_multiplier"))
            lines.append(f"{PLAN_NAMES[plan]}: about {number(effective)} GLM-5 prompts every 5 hours "
                         f"(~{quota} prompts, with GLM-5 counting {mult}× against the quota).")
            lines_zh.append(f"{PLAN_NAMES[plan]} 套餐每 {window} 小时约可发送 {number(effective)} 次 GLM-5 提示（约 {quota} 次提示，"
                            f"GLM-5 按 {mult} 倍消耗额度）")
        else:
            lines.append(f"{PLAN_NAMES[plan]}: up to ~{quota} prompts every 5 hours.")  # written as the FAQ writes it
            lines_zh.append(f"{PLAN_NAMES[plan]} 套餐每 {window} 小时最多约 {quota} 次提示")
    r.fact("quota.estimates")
    # "how many a day?": the docs count per 5 hours (and weekly), and say so rather than multiply it out
    per_day = bool(re.search(r"\b(per|a|each|every) day\b|\bdaily\b|一天|(?<!\d)1\s*天|每天|每日|一日", p.text))
    # what makes usage vary, in the FAQ's words, when the message names one of them ("does auto-accept eat more quota?")
    varies = bool(re.search(r"auto[- ]?accept|自动(接受|批准|确认)|codebase size|代码库(大小|规模)", p.text))
    if p.language == "zh":
        return ("；".join(lines_zh) + "。以上为估算值，实际用量因任务复杂度" + ("、代码库大小以及是否开启自动接受（auto-accept）" if varies
                                                                   else "") + f"而异；额度用完后等待下一个 {window} 小时周期刷新，"
                "不会扣除账户余额。" + ("文档按每 5 小时（另有每周额度）说明额度，没有给出每天的次数。" if per_day else ""))
    r.fact("quota.refresh")
    vary = r.facts.words("quota.estimates", r"actual usage may vary[^.]+") if varies else ""
    return ("\n".join(lines) + "\nThese are estimates" + (f" (the FAQ: \"{vary}\")" if varies
                                                          else "") + "; the quota refreshes every 5 hours, and once it is "
            "used up the system will not deduct from your account balance." + (" The docs give the quota per 5 hours (and a "
                                                                               "weekly quota), not per day." if per_day else ""))


def model_calls_asked(text: str, s: Slots) -> bool:
    """Also "how is a prompt counted?", "is every tool call a prompt?", "是按 prompt 对话轮次计量吗": what one prompt is, in
    model calls; "调用 GLM-5 模型要多少钱" is a price question, a context limit and one's own SDK calls are others."""
    if matches(text, r"\bcontext\b|\b(sdk|script|curl|api calls? from)\b", "上下文"):
        return False
    if glm5_rate_asked(text, s) and not matches(text, r"\bmodel calls?\b|\bwhat counts as\b", "模型调用"):
        return False  # "if I send 100 prompts with glm-5, how many prompts does that count as?": its 3× rate
    # ("login/model calls go out to the hosted cloud": calls told, not counted)
    return matches(text, r"\bmodel calls?\b|\bcalls? per prompt\b|\bcalls (per|in|every)\b", "模型调用",
                   r"调用(多少|几)次模型") and matches(
        text, r"\b(how many|per|counts?|counted|each|every|one|a single|mean\w*|what (is|are)|quota|prompts?|limits?|"
              r"equals?|equivalent)\b", "多少", "几", "算", "额度", "次数", "等于") or matches(
        text, r"\b(how|what)\b.{0,20}\bprompts?\b.{0,20}\b(counted|count|counts|defined|mean|measured)\b|\bwhat counts as "
              r"(a|one) prompt\b|\b(every|each|a) (tool|api|model) (call|request)\b.{0,20}\b(a|one|count as( a)?) prompt\b|"
              # "what exactly counts as one prompt?", "is a prompt counted per message or per API call?",
              # "do subagent calls count toward my prompt quota?"
              r"\bwhat (exactly |really )?counts as (a|one|1) prompt\b|\bprompts?\b.{0,10}\b(counted|count(ed)? as)\b.{0,20}"
              r"\b(per|by|each)\b|\b(sub-?agents?|tool calls?|api calls?|requests?)( calls)? (count|counted) (toward|towards|"
              r"against|as|in)\b",
        # "does the 5-hour quota count tokens or requests?", "how many tokens is one prompt?"
        r"\b(quota|limit|limits|usage)\b.{0,20}\b(count|counts|counted|measured|based on)\b.{0,10}\b(tokens?|requests?|"
        r"messages?|calls?)\b|\btokens? or (requests?|prompts?|messages?|calls?)\b|\b(requests?|prompts?|messages?|calls?) or "
        r"tokens?\b|\bhow many tokens\b.{0,12}\b(is|in|per|does)\b.{0,8}\b(one|a|each|1|single)\b.{0,6}\bprompt\b",
        r"按.{0,4}(token|tokens).{0,4}还是.{0,4}(次|请求|prompt)|按.{0,4}(次|请求|prompt).{0,4}还是.{0,4}(token|tokens)",
        # "the request count doesn't match the site's": requests are model calls, the quota counts prompts
        r"\brequest (count|numbers?)\b.{0,40}\b(doesn'?t|don'?t|not|never) (match|add up|agree)|\brequests?\b.{0,30}\b(more|higher) "
        r"than (the )?(prompts?|quota)\b", r"请求(数|次数|数量).{0,12}(不一致|对不上|不一样|不符|不对|差很多)",
        r"(一次|一个)\s*(prompt|提示).{0,6}(怎么|如何)(算|计算|计)", r"(prompt|提示)(次数)?.{0,4}(怎么|如何)(算|计算|计)",
        r"(prompt|提示|对话轮次).{0,12}(计量|计费|计次)|按.{0,8}(prompt|提示|对话轮次).{0,6}(计量|计费|计算)",
        r"算\s*(1|一)\s*次\s*(prompt|提示)?.{0,6}还是", r"\b(one|1|a single) prompt or (\d+|several|many|multiple|a dozen)\b")


def token_allowance_asked(text: str, s: Slots) -> bool:
    """"How many tokens a month does a subscription work out to?": the plan counts prompts; the FAQ's token estimate."""
    return matches(text, r"\b(how many|how much|what|token (limit|quota|allowance|budget))\b.{0,30}\btokens?\b.{0,40}\b(month|"
                         r"monthly|plan|subscription|lite|pro|max|get|include\w*|work out)\b|\btokens? (limit|quota|allowance|"
                         r"budget)\b", r"多少.{0,4}(token|tokens)", r"(token|tokens).{0,6}(额度|上限|限制)") and not s.tokens \
        and not s.api_model and not matches(
            re.sub(r"\binput ?(\+|and|&|/) ?output\b", " ", text),  # "input+output" is the total, not one request's
            COST, r"\b(context|output|input|max_tokens|per request|(one|1|a single) request|single (prompt|request)|"
                  r"did i use|used|hit|limit per)\b", "上下文", "单次", "输出", "消耗了", "用了多少")


@register("token_allowance", When(188, token_allowance_asked), facts=("tokens.monthly", "calls_per_prompt", *PLAN_FACTS))
def token_allowance(r: Reply, p: Parsed) -> str:
    total = r.fact("tokens.monthly")
    low, high = r.fact("calls_per_prompt")
    lite, pro, mx = (r.fact(f"quota.{plan}") for plan in ("lite", "pro", "max"))
    if p.language == "zh":
        return (f"文档没有给出按 token 计的套餐额度：套餐按 prompt 计（每 5 小时 Lite 约 {lite}、Pro 约 {pro}、Max 约 {mx} 次），每次 prompt "
                f"通常包含 {low}–{high} 次模型调用，FAQ 把它概括为每月“tens of billions of tokens”（数百亿 tokens）的总量。")
    return (f"The docs don't state a token quota per plan: the plan counts prompts (Lite ~{lite}, Pro ~{pro}, "
            f"Max ~{mx} every 5 hours), each typically {low}–{high} model calls, which the FAQ sums up as \"a total "
            f"monthly allowance of {total}\".")


# a request that failed, as the thing counted ("errored requests", "the failed attempt", "requests that time out",
# "报错的请求"); "requests fail with 1308, is my quota used up?" asks about the quota, not about failed requests
_FAILED = (r"\b(failed|failing|errored|erroring|error|timed[- ]out|interrupted|aborted|unsuccessful|broken|retried)\s+(api |model )?"
           r"(requests?|calls?|attempts?|prompts?|responses?|turns?|runs?|retries)\b|\b(requests?|calls?|prompts?) (that|which) "
           r"(fail|failed|error|errored|time out|timed out)\b|\b(when|if) (a|the|my) (request|call|prompt) (fails|errors|times out)\b",
           r"(失败|报错|出错|中断|超时|错误)的(请求|调用|prompt|对话|次数)")
_COUNTED = (r"\b(count|counts|counted|deducted|charged|eat|eats|eating|use up|used up|consume|consumes|consumed|burn|burns|"
            r"burning|taken (from|out of)|take (from|out of)|cost me|billed)\b", "算不算", "算进", "算在", "计入", "扣", "消耗", "算次数")


# tokens the docs price apart on the API but never say how the plan counts: cached (a cache hit), reasoning
_CACHED = (r"\bcached (tokens?|input|content|prompts?|reads?)\b|\bcache[- ](hits?|reads?|tokens?)\b|\bprompt cach\w*|"
           r"\bcaching\b", "缓存命中", r"命中(了)?缓存", "走缓存", r"缓存(的)?\s*(token|tokens|部分|内容|读取|请求)")
_REASONING = (r"\b(reasoning|thinking)[ _](tokens?|content)\b", r"(思考|推理)\s*(的)?\s*(token|tokens|内容)")
# counted more or less, or at all: "do cached tokens count less toward my 5h prompt quota?"
_COUNTED_DIFFERENTLY = (r"\b(count|counts|counted)\b[^.?!\n]{0,12}\b(less|more|differently|cheaper|at a discount|at all|"
                        r"the same)\b|\b(less|cheaper|discount\w*)\b[^.?!\n]{0,30}\b(quota|prompts?|limit)\b",
                        "少算", "打折", "折扣", "算不算", "算进", "计入", "按.{0,6}(折|比例)")


def counted_kind(text: str) -> str | None:
    """The kind of request or token a sentence asks to be counted against the quota, of the ones the docs never say
    how the plan counts: failed requests, cached tokens, reasoning tokens."""
    for sentence in re.split(r"(?<=[.!?。！？])\s*|\n+", text):
        if not matches(sentence, r"\?|\b(do|does|are|is|will|would|did)\b", "算不算", "会不会", "吗", "？"):
            continue
        if matches(sentence, *_FAILED) and matches(sentence, *_COUNTED):
            return "failed"
        for kind, words in (("cached", _CACHED), ("reasoning", _REASONING)):
            if matches(sentence, *words) and matches(sentence, *_COUNTED_DIFFERENTLY) and matches(
                    sentence, r"\b(prompts?|quota|usage|limit)\b", "额度", "次数"):
                return kind
    return None


def failed_requests_asked(text: str, s: Slots) -> bool:
    """"Are errored requests counted against the ~400?", "报错的请求算不算次数？", "do cached tokens count less toward my 5h
    prompt quota?": what the docs don't say (whether a failed request, a cache hit or reasoning uses the quota, or less
    of it), not the quota's size. The kind, the counting and the question are one sentence's ("Failed requests eat my
    quota so fast. How many prompts does Max have?" asks the quota)."""
    return counted_kind(text) is not None and matches(text, r"\b(prompts?|quota|usage|limit|bar|window)\b", "额度", "次数")


COUNTED_KINDS = {  # what each kind is called, in English and Chinese
    "failed": ("requests that fail (errors, timeouts, interrupted responses) count against", "失败的请求（报错、超时、被中断的回复）是否计入"),
    "cached": ("cached tokens (cache hits) count differently, or less, against", "缓存命中的 token 是否少算或另算进"),
    "reasoning": ("reasoning (thinking) tokens count differently against", "思考（推理）内容的 token 是否另算进"),
}


@register("failed_requests", When(135, failed_requests_asked), facts=("calls_per_prompt", "usage.subscription_page"))
def failed_requests(r: Reply, p: Parsed) -> str:
    low, high = r.fact("calls_per_prompt")
    r.fact("usage.subscription_page")
    en, zh = COUNTED_KINDS[counted_kind(p.text) or "failed"]
    if p.language == "zh":
        return (f"文档没有说明{zh}套餐额度。文档写明的是：额度按 prompt 计算，每个 prompt 通常包含 "
                f"{low}–{high} 次模型调用；额度消耗进度可以在订阅页面查看。")
    return (f"The docs don't say whether {en} the plan's quota. What they do say: the quota is counted in prompts, each "
            f"typically {low}–{high} model calls, and you can see its consumption on your subscription page.")


@register("model_calls", When(190, model_calls_asked), facts=("calls_per_prompt", "quota.refresh", *PLAN_FACTS))
def model_calls(r: Reply, p: Parsed) -> str:
    low, high = r.fact("calls_per_prompt")
    plans = plans_of(p)
    zh = p.language == "zh"
    if not plans:
        if re.search(r"\btokens?\b|token", p.text):  # "count tokens or requests?": prompts, and no token size stated
            return (f"套餐按 prompt（提示）次数计算额度，而不是按 token：每个 prompt 通常可进行 {low}–{high} 次模型调用；文档没有给出"
                    "单个 prompt 对应多少 token。" if zh else
                    f"The plan's quota counts prompts, not tokens: each prompt typically allows {low}–{high} model calls. "
                    "The docs don't say how many tokens one prompt may use.")
        return f"每个 prompt（提示）通常可进行 {low}–{high} 次模型调用。" if zh else f"Each prompt typically allows {low}–{high} model calls."
    window = r.fact("quota.refresh") if zh else None
    lines = []
    for plan in plans:
        quota = r.fact(f"quota.{plan}")
        lo = r.calc("quota * low", quota=(quota, f"fact:quota.{plan}"), low=(low, "fact:calls_per_prompt"))
        hi = r.calc("quota * high", quota=(quota, f"fact:quota.{plan}"), high=(high, "fact:calls_per_prompt"))
        lines.append(f"{PLAN_NAMES[plan]} 套餐：每 {window} 小时约 {number(lo)}–{number(hi)} 次模型调用（约 {quota} 次提示 × "
                     f"每次 {low}–{high} 次调用）。" if zh else
                     f"{PLAN_NAMES[plan]}: roughly {number(lo)}–{number(hi)} model calls per 5-hour window "
                     f"(~{quota} prompts × {low}–{high} calls each).")
    if zh:
        return "\n".join(lines) + "\n以上均为估算值，实际用量因任务而异。"
    return "\n".join(lines) + "\nBoth figures are estimates; real usage varies with the task."


def ratio_asked(text: str, s: Slots) -> bool:
    return matches(text, r"\b(times|×|how much more|compar\w*|vs|versus|ratio|bigger|more than|stack up|against)\b",
                   "倍") and (len(s.plans) >= 2 or "claude pro" in text or "claude max" in text) and not matches(
        # "Is Max faster than Lite, or only a bigger quota?": speed, which the docs don't give, not the quota ratio
        text, r"\b(faster|slower|speed|latency|priority|tokens? per second|response time)\b", "更快", "速度", "优先")


def compare_asked(text: str, s: Slots) -> bool:
    """"What's the difference between Lite, Pro and Max?", "Lite和Pro有什么区别": what each plan includes."""
    if (matches(text, r"\b(deciding|decide|choose|choosing|pick|picking) between\b") and len(set(s.plans)) >= 2) or (
            matches(text, r"\b(is|will|would) (the )?(lite|pro|max)( plan)? (be )?enough\b", r"(lite|pro|max).{0,6}够(用|吗)")
            and s.plans):
        return True  # "deciding between Lite and Pro, will Lite be enough?"
    return matches(text, r"\b(differences?|differ|different|compare the plans|which plan (should|to))\b", "区别", "差别",
                   "不同", "差异") and (len(s.plans) >= 2 or matches(text, r"\b(the|these|three|your) (plans|tiers)\b",
                                                                 "(三|几)个套餐", "套餐之间")) and not matches(
        text, r"\b(times|×|ratio|how much more|speed|latency|faster|slower|response time)\b", "倍", "速度",
        r"\b(glm-\d|open[- ]source|claude code|cursor|cline|opencode|kilo|roo)\b|(?<![a-z])api(?![a-z])")


@register("plan_compare", When(258, compare_asked),
          facts=(*PLAN_FACTS, "ratio.pro_vs_lite", "ratio.max_vs_pro", "models.glm5_plans", "mcp.lite", "mcp.pro", "mcp.max",
                 "mcp.vision", "price.lite_monthly", "price.pro_monthly", "quota.estimates"))
def plan_compare(r: Reply, p: Parsed) -> str:
    lite, pro, mx = (r.fact(f"quota.{plan}") for plan in ("lite", "pro", "max"))
    pro_x, max_x = r.fact("ratio.pro_vs_lite"), r.fact("ratio.max_vs_pro")
    glm5 = r.fact("models.glm5_plans")
    searches = [r.fact(f"mcp.{plan}") for plan in ("lite", "pro", "max")]
    r.fact("mcp.vision")
    lite_price, pro_price = r.fact("price.lite_monthly"), r.fact("price.pro_monthly")
    r.fact("quota.estimates")
    if re.search(r"\benough\b|够", p.text):  # how much they will use is theirs to judge; the figures are the docs'
        if p.language == "zh":
            return (f"文档无法判断你的用量是否够用；它给出的是：每 5 小时约 {lite}（Lite）/ {pro}（Pro）/ {mx}（Max）次 prompt（Pro 约为 "
                    f"Lite 的 {pro_x} 倍），每次 prompt 通常包含多次模型调用；GLM-5 仅 {glm5[1]} 和 {glm5[0]} 提供。以上均为估算值。")
        return (f"The docs can't tell how much you will use; what they give: prompts every 5 hours, Lite ~{lite}, Pro "
                f"~{pro}, Max ~{mx} (Pro about {pro_x}× Lite), one prompt being several model calls; GLM-5 on {glm5[1]} "
                f"and {glm5[0]} only. These are estimates.")
    if p.language == "zh":
        # the prices first: no figure after a "Max" may read as Max's price
        return (f"FAQ 示例中的包月价格：Lite {money(lite_price)}，Pro {money(pro_price)}（文档没有写明 Max 的价格）。三个套餐的其他区别"
                f"（FAQ）：每 5 小时约 {lite}（Lite）/ {pro}（Pro）/ {mx}（Max）次提示（Pro 约为 Lite 的 {pro_x} 倍，Max 约为 Pro 的 "
                f"{max_x} 倍）；GLM-5 仅 {glm5[1]} 和 {glm5[0]} 提供；网络搜索和网页读取每月合计 {searches[0]:,} / {searches[1]:,} / "
                f"{searches[2]:,} 次；视觉理解所有套餐都有，使用 5 小时 prompt 额度。以上额度为估算值。")
    return (f"What differs between the plans (FAQ): prompts every 5 hours, Lite ~{lite}, Pro ~{pro}, Max ~{mx} (Pro about "
            f"{pro_x}× Lite, Max about {max_x}× Pro); GLM-5 on {glm5[1]} and {glm5[0]} only; web searches and web reader "
            f"calls per month, {searches[0]:,} / {searches[1]:,} / {searches[2]:,}; vision understanding on every plan, from "
            f"the 5-hour prompt pool. Monthly list prices in the FAQ's example: Lite {money(lite_price)}, Pro "
            f"{money(pro_price)}; the docs don't state Max's. The quotas are estimates.")


@register("plan_ratio", When(260, ratio_asked),
          facts=("ratio.lite_vs_claude_pro", "ratio.pro_vs_lite", "ratio.max_vs_pro", "quota.refresh", *PLAN_FACTS))
def plan_ratio(r: Reply, p: Parsed) -> str:
    plans = plans_of(p)
    zh = p.language == "zh"
    if "claude max" in p.text:  # the overview's comparison with Claude Max is superseded by the FAQ's
        claude, pro, mx = r.fact("ratio.lite_vs_claude_pro"), r.fact("ratio.pro_vs_lite"), r.fact("ratio.max_vs_pro")
        if zh:
            return (f"当前 FAQ 已不再与 Claude Max 比较。它的说法是：Lite 的用量额度约为 Claude Pro 套餐的 {claude} 倍，"
                    f"Pro 约为 Lite 的 {pro} 倍，Max 约为 Pro 的 {mx} 倍。")
        return (f"The current FAQ no longer compares the plans with Claude Max. It says: Lite gives about {claude}× the "
                f"usage quota of the Claude Pro plan, Pro about {pro}× Lite's, and Max about {mx}× Pro's.")
    if "claude pro" in p.text:
        ratio = r.fact("ratio.lite_vs_claude_pro")
        if zh:
            return f"约 {ratio} 倍：文档说 Lite 套餐的用量额度约为 Claude Pro 套餐的 {ratio} 倍。"
        return f"About {ratio}×: the docs say Lite gives about {ratio}× the usage quota of the Claude Pro plan."
    a, b = (plans + ["lite", "pro"])[:2]
    order = {"lite": 0, "pro": 1, "max": 2}
    big, small = (a, b) if order[a] > order[b] else (b, a)
    q_big, q_small = r.fact(f"quota.{big}"), r.fact(f"quota.{small}")
    ratio = r.calc("big / small", big=(q_big, f"fact:quota.{big}"), small=(q_small, f"fact:quota.{small}"))
    if zh:
        window = r.fact("quota.refresh")
        return (f"约 {number(ratio)} 倍：{PLAN_NAMES[big]} 套餐每 {window} 小时约 {q_big} 次提示，{PLAN_NAMES[small]} 套餐约 "
                f"{q_small} 次。")
    return (f"About {number(ratio)}×: {PLAN_NAMES[big]} has ~{q_big} prompts every 5 hours against "
            f"{PLAN_NAMES[small]}'s ~{q_small}.")


def weekly_asked(text: str, s: Slots) -> bool:
    return matches(text, r"\bweekly|per[- ]week|each week|7-day|7 day\b", "每周", "周额度", r"[1一] ?周.{0,4}(有没有|有|是多少|多少).{0,4}(上限|限额|限制|额度)", "周限额", "周用量",
                   "周上限") and matches(text, QUOTA, r"\b(cap|reset|restriction|restrictions|cycle|bar|blocked)\b", "限制", "重置",
                                        "上限", "限额")


def other_limits_asked(text: str, s: Slots) -> bool:
    """"Is there a daily limit, or just the 5-hour one?": the FAQ's "any other restrictions" answer, the weekly quota."""
    return matches(text, r"\b(daily|per day|a day|monthly|per month) (limit|limits|cap|quota|usage limit)\b|\b(other|another|any "
                         r"more|additional|extra|further) (limit|limits|restrictions?|caps?)\b|\b(apart from|besides|other than|"
                         r"beyond) the 5[- ]?hours?\b", "每天限额", "每日限额", "日限额", "其他限制", "还有别的限制",
                   r"(1天|一天|每天|每日).{0,6}(多少次|能用多少|上限|限额|限制)") and not matches(
        text, r"\b(rate|concurrency|concurrent|token|tokens|context|web search|searches|mcp)\b", "并发", "搜索")


USAGE_NOUN = r"\b(remaining|left|usage|used|consumption|quota|quotas)\b"


def usage_check_asked(text: str, s: Slots) -> bool:
    """"How do I see how much quota I have left?": a way to read the usage, not a story about what it showed."""
    english = matches(text, r"\b(check|see|view|query|monitor|track|display|fetch|look up|find out|know)\b.{0,40}"
                            + USAGE_NOUN, r"\bhow much\b.{0,30}\b(quota|usage)\b.{0,30}\b(left|remaining|used)\b",
                      r"\b(remaining|left over) (quota|usage)\b", r"\busage (stats|statistics|dashboard|query)\b") and \
        matches(text, r"\b(how|where|way|ways|api|endpoint|command|plugin|tool|is there|can i|can we)\b")
    chinese = matches(text, r"(查看|查询|查|获取|显示|监控|看).{0,12}(额度|用量|使用量|余量|剩余)",
                      r"(额度|用量|余量|剩余).{0,6}(监控|查询|查看)", r"剩余额度|用量查询|额度查询|剩余用量",
                      r"(查看|查询|查|看(?!到)|知道).{0,20}(还)?剩(下|余)?(多少|几)(的)?(额度|用量|次数|次)")
    # "看到 2/12 之后价格和额度都改了": news seen about the quota, not a way to read one's usage
    seen_news = matches(text, r"(看到|看见|听说).{0,20}(额度|用量|次数).{0,4}(改|变|调整|降|砍|涨|少)")
    # "...no reply. I can check stats and this API was never used": the usage read as evidence, in a message asking nothing
    evidence = bool(USAGE_TOLD.search(text)) and not re.search(r"[?？]", text)
    return (english or chinese and not seen_news) and not evidence


USAGE_FACTS = ("usage.subscription_page", "usage.plugin", "usage.plugin.marketplace", "usage.plugin.install",
               "usage.plugin.command", "usage.plugin.node")


def usage_ways(fact, zh: bool = False) -> str:
    """The two ways the docs give to read one's usage; `fact` is the caller's citing lookup (Reply or Diagnosis)."""
    fact("usage.subscription_page")
    plugin, market = fact("usage.plugin"), fact("usage.plugin.marketplace")
    install, command, node = fact("usage.plugin.install"), fact("usage.plugin.command"), fact("usage.plugin.node")
    if zh:
        return (f"文档给出两种方式：在订阅页面（subscription）查看额度消耗进度；或在 Claude Code 中安装 {plugin} 插件："
                f"`{market}`，然后 `{install}`，再运行 `{command}` 查询当前额度和用量（需要 Node.js {node} 或更高版本）。"
                "文档没有说明其他查询方式。")
    return (f"The docs give two ways: your subscription page shows the progress of your quota consumption; and in "
            f"Claude Code, the {plugin} plugin: `{market}`, then `{install}`, then run `{command}` for your current "
            f"quota and usage (it needs Node.js {node} or newer). The docs describe no other way to read it.")


@register("usage_check", When(165, usage_check_asked), facts=USAGE_FACTS)
def usage_check(r: Reply, p: Parsed) -> str:
    return usage_ways(r.fact, p.language == "zh")


@register("weekly_quota", When(170, weekly_asked), When(171, other_limits_asked), facts=("weekly.cycle", "weekly.grandfathered"))
def weekly_quota(r: Reply, p: Parsed) -> str:
    days = r.fact("weekly.cycle")
    r.fact("weekly.grandfathered")
    daily = re.search(r"\b(daily|per day|a day)\b|每天|每日|日限额|[1一]天", p.text)
    # "Yes" answers whether there is one; "does it reset on Feb 12?", "is it bigger on Max?" get the facts alone
    exists = re.search(r"\b(is there|are there|there is|do(es)? (it|the plan|my plan|lite|pro|max|\w+ plan) have|any)\b.{0,30}"
                       r"\bweekly\b|\bweekly (limit|quota|cap)s?\b\s*\??\s*$|有没有|有.{0,10}吗|也有", p.text)
    if p.language == "zh":
        return (("文档没有提到每日限额。" if daily else "有。" if exists else "") + f"每周额度从下单时间开始计算，每 {days} 天刷新重置一次；2 月 12 日前订阅并开启自动续费的用户，"
                "在订阅期内不受每周额度限制。文档没有给出每周额度的具体数量；你可以在订阅页面查看它的消耗进度。")
    return (("The docs mention no daily limit. B" if daily else "Yes: b" if exists else "B") + f"esides the 5-hour limit there is a weekly quota, counted from the time you placed your order and "
            f"reset every {days} days. Subscribers who subscribed and enabled auto-renewal before February 12 keep "
            "unlimited weekly usage for their subscription. The docs do not state the size of the weekly quota; "
            "you can see its progress on your subscription page.")


def february_12_asked(text: str, s: Slots) -> bool:
    if matches(text, r"\b(general api|api pricing|pay[- ]as[- ]you[- ]go|still buy|can i (still )?buy|resume|re-?subscribe|"
                     r"after cancell?ing)\b", "还能买", "按量", "恢复", "重新订阅"):
        return False  # the date named, another question asked (the docs don't answer these)
    # (a February day on or after the 12th is a subscription under today's rules: "Subscribed Pro on Feb 15 for GLM-5...
    # is there a catch with quota?" asks no grandfathering)
    return matches(text, r"\b(before )?feb(ruary)?\.? 12\b|\b2026-02-12\b|\bgrandfather", r"2\s*月\s*12") or (
        matches(text, r"\b(feb|february)\b") and matches(text, QUOTA, r"\b(shrink|change|unchanged|old|cycle)\b")
        and not (matches(text, r"\b(subscribed|bought|purchased|signed up|joined)\b[^.?!\n]{0,30}\b(on|since|after) "
                               r"feb(ruary)?\.? (1[2-9]|2\d)(st|nd|rd|th)?\b")
                 and not matches(text, r"\b(jan(uary)?|dec(ember)?|nov(ember)?|oct(ober)?|before|renew\w*)\b")))


def legacy_plan_asked(text: str, s: Slots) -> bool:
    """"I'm on the old plan, will I be moved to the new limits when I renew?": what existing subscribers keep."""
    return matches(text, r"\b(old|existing|original|legacy|earlier) (plan|subscription|subscribers?|users?|quota|limits?|"
                         r"pricing|price|terms)\b", "老套餐", "老用户", "老订阅", "旧套餐", "原套餐") and matches(
        text, r"\b(renew\w*|keep|still|moved?|migrat\w*|switch\w*|chang\w*|affect\w*|new (limits?|quota|plan|pricing|"
              r"rules?))\b", "续费", "续订", "保留", "不变", "影响", "变")


def weekly_applies_asked(text: str, s: Slots) -> bool:
    """"Does the weekly limit apply to me? I bought Max in January with auto-renew on": whether they are exempt is the
    February 12 rule, which turns on when they subscribed and enabled auto-renewal."""
    return weekly_asked(text, s) and matches(
        text, r"\bauto[\s-]?renew\w*|\brenewal\b", "自动续费", "自动续订", r"\b(subscribed|bought|purchased|signed up|joined|been on)\b",
        r"\bsince\b", r"(月|年).{0,4}(买|订阅|开通)", r"(买|订阅|开通)的?时候") and matches(
        text, r"\b(appl(y|ies)|exempt\w*|affect\w*|subject to|still (unlimited|have unlimited|get unlimited)|count for me|hit me|"
              r"worry|have to|do i (have|get)|am i)\b", "适用", "影响", r"受.{0,4}限制", "不限", "无限", "也有", "有没有", "有周") and not matches(
        text, r"\b(when|reset\w*|how (big|much|many|large)|size|api|pay[- ]as[- ]you[- ]go|5[- ]?hours?|mcp|searches)\b", "多少",
        "什么时候", "重置", "按量", "5小时", "5 小时")


def changed_since_purchase_asked(text: str, s: Slots) -> bool:
    """"It said ~600 prompts when I paid, the FAQ now says ~400: is my quarter cut too?": a figure changed since they
    bought, asked of their own subscription."""
    return matches(text, r"\bwhen i (bought|subscribed|paid|signed up|purchased)\b|\bat (the time of )?(purchase|checkout)\b|"
                         r"\bback then\b", "当时", "付钱的时候", "买的时候", "订阅的时候", "购买时", "下单时") and matches(
        text, r"\b(now|today)\b.{0,30}\b(says?|shows?|lists?|is)\b|\b(changed|lowered|reduced|cut|dropped)\b", "改成", "改为",
        "变成", "砍", "降到", "降为", "减少", "缩水") and matches(text, QUOTA, r"\d+ ?(prompts?|次)")


def renewal_terms_asked(text: str, s: Slots) -> bool:
    """"Will my auto-renewal in April be at the new price, will my quota be cut?": what a renewal keeps, which the
    February 12 rules settle for early subscribers and the current figures for everyone else."""
    return matches(text, r"\b(renew\w*|auto-?renew\w*)\b.{0,40}\b(price|quota|limits?)\b.{0,30}\b(change|same|stay|keep|cut|"
                         r"lower|new|old)\b|\b(price|quota)\b.{0,30}\b(change|same|stay|cut|lower|new|old)\b.{0,30}\brenew",
                   r"(续费|续订).{0,20}(额度|价格|次数|价).{0,8}(会不会|会|变|改|砍|降|保持|不变|还是|新)",
                   r"(续费|续订).{0,8}(按|是按).{0,4}(新|旧|老|原)(价格|价)",
                   r"(额度|价格).{0,8}(会不会|会).{0,6}(变|改|砍|降).{0,20}续费") and not matches(
        text, r"\b(turn(ing)? off|cancel\w*|stop\w*|disabl\w*)\b", "关闭", "关掉", "取消")


@register("grandfathering", When(166, renewal_terms_asked), When(167, changed_since_purchase_asked),
          When(168, legacy_plan_asked),
          When(169, weekly_applies_asked), When(180, february_12_asked),
          facts=("grandfather.current_cycle", "grandfather.auto_renewal", "weekly.grandfathered", *PLAN_FACTS))
def grandfathering(r: Reply, p: Parsed) -> str:
    r.fact("grandfather.current_cycle")
    r.fact("grandfather.auto_renewal")
    r.fact("weekly.grandfathered")
    lite, pro, max_ = r.fact("quota.lite"), r.fact("quota.pro"), r.fact("quota.max")
    if p.language == "zh":
        return ("2 月 12 日前订阅的用户，在当前订阅周期内额度保持购买时的标准；如果也在 2 月 12 日前开启了自动续费，续费价格和额度"
                f"保持不变，并在订阅期内不受每周额度限制。否则按当前额度：Lite 约 {lite}、Pro 约 {pro}、Max 约 {max_} 次 / 每 5 小时。")
    return ("If you subscribed before February 12, your quota remains unchanged (as shown at purchase) for the duration "
            "of your current subscription cycle. If "
            "you also enabled auto-renewal before February 12, the renewal price and quota stay unchanged and you "
            "keep unlimited weekly usage for your subscription. Otherwise the current limits apply: Lite ~"
            f"{lite}, Pro ~{pro}, Max ~{max_} prompts every 5 hours.")


# "I only see GLM-4.7", "GLM-5 is missing", "still shows glm-4.7", "看不到": GLM-5 not where they look (the upgrade rules
# read it too: "upgraded for GLM-5 but it still shows glm-4.7" is no upgrade question)
GLM5_NOT_SHOWN = (r"\b(only see|don'?t see|do not see|can'?t see|cannot see|not see|missing|where is|doesn'?t (show|appear)|"
                  r"not (showing|shown|listed)|still (shows?|showing|says|uses?|using|on) (glm-?4))\b", "看不到", "没有 ?glm-5",
                  "找不到", r"(还是|仍然|依然).{0,6}glm-?4", r"(感觉|显示|用的|跑的|一直|仍然|依然)(的|是)?还?是?.{0,6}(?<![\d.])4\.[5-7](?!\s*(好|更|吗|呢))",
                  r"(自动|默认).{0,4}(切|换)(到|成)\s*(glm-?)?5")


def glm5_missing_asked(text: str, s: Slots) -> bool:
    """"On Max, why do I only see GLM-4.7 and not GLM-5 in Claude Code?", "upgraded for GLM-5 but it still shows
    glm-4.7, what should I do?": it is set by hand (before "which model should I use", which it is not)."""
    return s.glm5 and matches(text, *GLM5_NOT_SHOWN) and bool(set(s.plans) & {"pro", "max"})


def glm5_switch_asked(text: str, s: Slots) -> bool:
    """"How do I switch Claude Code to GLM-5?": the FAQ's note on the custom configuration."""
    if glm5_missing_asked(text, s):
        return True
    if s.glm5 and matches(text, r"\b(switch(es)?|change[sd]?) (over |to it |to glm-?5 )?automatically\b|\bdo i (need|have) to do "
                                r"(something|anything) to (actually )?(get|use) glm-?5\b",
                          r"(会不会|是不是|能不能)自动(切换|切到|换成|用上)"):
        return True  # "Do I need to do something to actually get GLM-5, or does it switch automatically?"
    return s.glm5 and matches(text, r"\b(switch\w*|change|changing|set|setting|enable|configure|select|use|using|point\w*)\b",
                              "切换", "设置", "配置", "使用", "切到", "改成", "改为", "换成", "改") and matches(
        text, r"\bhow\b|\bwhere\b|\bwhich (of the )?(\S+\s){0,2}(var\w*|env\w*|settings?|keys?|lines?|mappings?)\b", "怎么", "如何", "哪几行",
        "哪一行", "哪个变量", "改啥", "改什么", "填啥", "填什么",
        "加什么")


@register("glm5_switch", When(243, glm5_missing_asked), When(245, glm5_switch_asked),
          facts=("models.glm5_switch", "models.glm5_plans", "glm5.saving.opus",
                                                              "models.glm5_multiplier", "models.lite_no_glm5"))
def glm5_switch(r: Reply, p: Parsed) -> str:
    r.fact("models.glm5_switch")
    plans, mult = r.fact("models.glm5_plans"), r.fact("models.glm5_multiplier")
    if plans_of(p) == ["lite"]:
        r.fact("models.lite_no_glm5")
        if p.language == "zh":
            return "Lite 套餐暂不包含 GLM-5，所以在 Lite 上无法切换到 GLM-5；Lite 套餐使用的模型是 GLM-4.7。"
        return "Lite does not include GLM-5 yet, so there is nothing to switch to on Lite; GLM-4.7 is the plan's model."
    r.fact("glm5.saving.opus")
    if p.language == "zh":
        return (f"GLM-5 目前支持 {plans[1]} 和 {plans[0]} 套餐。需要在自定义配置中手动把模型改为 “GLM-5”：在 Claude Code 中是 "
                "~/.claude/settings.json（例如在 env 中把 ANTHROPIC_DEFAULT_OPUS_MODEL 设为 glm-5）。"
                f"GLM-5 按 {mult} 倍消耗额度。Lite 套餐暂不包含 GLM-5。")
    return (f"On {plans[1]} and {plans[0]}: change the model to \"GLM-5\" by hand in your tool's custom configuration; in "
            "Claude Code that is ~/.claude/settings.json (e.g. ANTHROPIC_DEFAULT_OPUS_MODEL set to glm-5 in its env "
            f"block). GLM-5 counts {mult}× against your quota. Lite does not include GLM-5 yet.")


def glm_choice_asked(text: str, s: Slots) -> bool:
    """"GLM-4.7 or GLM-5 for everyday coding?": the FAQ's advice on when each is enough."""
    return s.glm5 and matches(text, r"\bglm-?4\.7\b") and matches(
        text, r"\b(or|vs\.?|versus|which|should|better|choose|pick|prefer)\b", "还是", "哪个", "选哪", "怎么选") and not matches(
        text, r"\b(context|window|price|prices|cost|costs|tokens?|quota|prompts?|rate|speed|available|availability)\b",
        "价格", "上下文", "额度")  # a property of the two, not the choice between them


@register("glm_choice", When(244, glm_choice_asked), facts=("models.glm47_daily", "models.glm5_hard",
                                                            "models.glm5_multiplier"))
def glm_choice(r: Reply, p: Parsed) -> str:
    r.fact("models.glm47_daily")
    r.fact("models.glm5_hard")
    mult = r.fact("models.glm5_multiplier")
    if p.language == "zh":
        return (f"FAQ 的建议：GLM-4.7 相当于 Claude Sonnet 级别，足以胜任日常开发和常规任务；GLM-5 相当于 Opus 级别，用于复杂推理和"
                f"大型工程等高难度场景。GLM-5 按 {mult} 倍消耗额度，搭配使用更省额度。")
    return ("The FAQ's advice: GLM-4.7 (comparable to Claude's Sonnet level) is sufficient for daily development and "
            "routine tasks; switch to GLM-5 (Opus level) for hard cases such as complex reasoning and large-scale "
            f"engineering. GLM-5 consumes the quota {mult}× as fast, so combining them saves quota.")


def models_asked(text: str, s: Slots) -> bool:
    """GLM-5 with a plan ("can I use GLM-5 on Lite?"), or which models a plan has; not how to switch models."""
    if (s.glm5 and s.plans) and not matches(text, r"\bhow (do|can|to)\b", QUOTA):
        return True
    if matches(text, r"\b(faster|slower|better|worse|smarter|stronger|cheaper|best|fastest)\b|\bmodel (id|name|string)\b",
               "更快", "更好", "哪个好", "模型名"):
        return False  # "which model is faster?" compares models; it does not ask which ones a plan has
    return not matches(text, r"\bhow (do|can|to)\b|\bswitch\b") and matches(
        text, r"\b(which|what) models?\b|\bglm-5\b.*\b(lite|pro|max|plan|available|access|use|support)|"
              r"\b(lite|pro|max|tiers?|plans?|subscriptions?)\b.*\bglm-5\b", "哪些模型") and (not matches(text, QUOTA) or not s.plans)


# "when will the 3x go down?", "三倍消耗啥时候能降下来": a lower GLM-5 rate asked for
RATE_DOWN = (r"\b(go(es|ing)? down|lower(ed)?|reduc\w*|decreas\w*|drop\w*|come down|adjust\w*)\b.{0,40}\b(rate|multiplier|"
             r"consumption|3x|3×|three times|quota)\b|\b(rate|multiplier|consumption|3x|3×)\b.{0,40}\b(go(es|ing)? down|lower(ed)?|"
             r"reduc\w*|decreas\w*|drop\w*|come down)\b|(倍|消耗)[^。？！?\n]{0,16}(降|下调|减少)|(降|下调|减少).{0,8}(倍|消耗)")


def glm5_rate_asked(text: str, s: Slots) -> bool:
    """"Does GLM-5 eat more quota than 4.7?", "用 GLM-5 是不是特别费额度": the FAQ's 3× rate."""
    return s.glm5 and matches(text, r"\b(consum\w*|eat\w*|burn\w*|use[sd]? up|counts?|cost\w*) (more|faster|extra|\d|three|3)|"
                                    r"\b(how many times|as fast|faster|multiplier|rate)\b|\bprompts?\b.{0,30}\bcounts? as\b", "费额度", "多耗", "消耗", "扣额度", "倍") and not matches(
        text, r"\b(price|usd|\$|per token|api)\b", "价格", "多少钱")


def vision_model_asked(text: str, s: Slots) -> bool:
    """"Does Lite support GLM-4.6V?": a vision model with the plan, not the Vision MCP server's own questions."""
    return matches(text, r"\bglm-4\.\dv\b|\bglm-?4v\b|\bvision models?\b|\bmultimodal\b", "视觉模型", "多模态") and matches(
        text, r"\b(lite|pro|max|plans?|subscriptions?|support\w*|available|include\w*|access|use)\b", "套餐", "支持",
        "能用", "可以用") and not matches(text, r"\bmcp\b|\bhow (do|can|to|much)\b|\binstall|\bconfigur|\b(cost|price|"
                                            r"pricing|per token|tokens)\b|(?<![a-z])api(?![a-z])", "配置", "安装", "价格",
                                            "多少钱")


@register("vision_model", When(248, vision_model_asked), facts=("models.vision_mcp", "mcp.vision", "models.four",
                                                                  "models.glm5_plans"))
def vision_model(r: Reply, p: Parsed) -> str:
    model = r.fact("models.vision_mcp")
    r.fact("mcp.vision")
    four, plans = r.fact("models.four"), r.fact("models.glm5_plans")
    if p.language == "zh":
        return (f"在套餐中，{model} 通过 Vision MCP 服务使用：所有用户都可以使用它（Quick Start），它使用套餐的 5 小时 prompt 额度。"
                f"工具可直接调用的套餐模型是 {'、'.join(four)}（{plans[1]} 和 {plans[0]} 套餐另有 GLM-5）。")
    return (f"On the plan, {model} is used through the Vision MCP server: all users can use it (Quick Start), and it "
            f"draws on the plan's 5-hour prompt pool. The models a tool can call directly on the plan are "
            f"{', '.join(four[:-1])} and {four[-1]} (and GLM-5 on {plans[1]} and {plans[0]}).")


# "Is GLM-4.6 still on the plan?", "Can I use GLM-4.5-Flash with my plan key?": one named model, in or out of the FAQ's four
# ("GLM-4.7-plan" is TRAE's label for the plan's GLM-4.7, no model of its own)
_ONE_MODEL = re.compile(r"\bglm-4\.\d(?:-(?:air|airx|flash|flashx|x))?(?![\w.-])")


# "Does the plan include Claude models?": another company's models asked about with the plan
_OTHER_MODELS = re.compile(r"\b(claude|gpt(-?\d[\w.]*)?|gemini|openai|o\d|llama|mistral) models?\b|\b(sonnet|opus)\b")


def model_included_asked(text: str, s: Slots) -> bool:
    if _OTHER_MODELS.search(text) and matches(text, r"\b(plan|coding plan|subscription)\b", "套餐") and matches(
            text, r"\b(include\w*|come with|access to|give (me )?access)\b", "包含", "包括") and matches(text, r"\?", "吗") \
            and not matches(text, r"\b(limit|limits|quota|usage|faster|better|than|compared)\b", "额度", "限制"):
        return True
    named = _ONE_MODEL.findall(text)
    if matches(text, r"\bsupports? (the )?(glm )?(coding plan|plan)\b", r"支持.{0,6}(coding ?plan|套餐)"):
        return False  # "does Windsurf support the coding plan? (to use GLM-4.7)": a tool's question, not a model's
    return bool(named) and not s.glm5 and not any(re.search(r"\d(v)$", m) for m in named) and matches(
        text, r"\b(plan|plans|coding plan|subscription|lite|pro|max|plan key)\b", "套餐", "订阅") and matches(
        text, r"\b(available|use|using|support\w*|include\w*|access|call|still)\b", "能用", "可以用", "支持", "包含") \
        and matches(text, r"\?|^\s*(is|are|can|could|does|do|will)\b", "吗", "么") and not matches(
            text, r"\bhow (do|can|to)\b|\b(price|cost|context|tokens?|cheaper|better|compared|vs)\b|\bmodel (id|name)\b|"
                  r"\bwhich (model|is)\b", "怎么", "如何", "价格", "上下文", "模型名", "哪个")


@register("model_included", When(249, model_included_asked), facts=("models.four", "models.glm5_plans", "claude.sonnet"))
def model_included(r: Reply, p: Parsed) -> str:
    four = r.fact("models.four")
    plans = r.fact("models.glm5_plans")
    named = list(dict.fromkeys(_ONE_MODEL.findall(p.text)))
    if not named:  # another company's models: the plan's are GLM's
        r.fact("claude.sonnet")  # the mapping of Claude Code's model names
        if p.language == "zh":
            return (f"不包含。FAQ 说套餐只能调用这四个 GLM 模型：{'、'.join(four)}（{plans[1]} 和 {plans[0]} 套餐另有 GLM-5）；在 "
                    "Claude Code 中显示的 Claude 模型名会映射到这些 GLM 模型。")
        return (f"No: the FAQ says the plan can call only these four GLM models, {', '.join(four[:-1])} and {four[-1]} "
                f"(plus GLM-5 on {plans[1]} and {plans[0]}); in Claude Code the Claude model names are mapped to them.")
    listed = {m.lower() for m in four}
    inside = [m for m in named if m in listed]
    outside = [m for m in named if m not in listed]
    show = {m.lower(): m for m in four}
    if p.language == "zh":
        parts = ([f"可以：{'、'.join(show[m] for m in inside)} 在 FAQ 列出的套餐可调用模型中" ] if inside else []) + (
            [f"{'、'.join(m.upper().replace('-AIR', '-Air').replace('-FLASH', '-Flash') for m in outside)} 不在其中"] if outside else [])
        return "；".join(parts) + f"。FAQ 说套餐只能调用这四个模型：{'、'.join(four)}（{plans[1]} 和 {plans[0]} 套餐另有 GLM-5）。"
    parts = ([f"Yes: {', '.join(show[m] for m in inside)} {'is' if len(inside) == 1 else 'are'} among the models the FAQ "
              "says the plan can call"] if inside else []) + (
        [f"{', '.join(m.upper().replace('-AIR', '-Air').replace('-FLASH', '-Flash') for m in outside)} "
         f"{'is' if len(outside) == 1 else 'are'} not among them"] if outside else [])
    return ("; ".join(parts) + f". The FAQ: only these four models can be called, {', '.join(four[:-1])} and {four[-1]} "
            f"(plus GLM-5 on {plans[1]} and {plans[0]}).")


@register("models", When(239, glm5_rate_asked), When(250, models_asked),
          facts=("models.glm5_plans", "models.glm5_multiplier", "models.all_plans", "models.lite_no_glm5", "models.lite_later",
                 "models.lite_glm5_api", "models.four", "models.glm5_adjust"))
def models(r: Reply, p: Parsed) -> str:
    if p.slots.glm5 and re.search(RATE_DOWN, p.text):
        # "When will GLM-5's 3x go down?": the FAQ's promise, which gives no date
        mult = r.fact("models.glm5_multiplier")
        r.fact("models.glm5_adjust")
        if p.language == "zh":
            return (f"目前每次调用 GLM-5 按 {mult} 倍消耗套餐额度。FAQ 说之后会根据资源扩充情况下调这个倍数（“Subsequently, we will "
                    "adjust it downward based on resource expansion.”），但文档没有给出时间。")
        return (f"For now each GLM-5 prompt counts {mult}× against your quota. The FAQ says \"Subsequently, we will adjust "
                "it downward based on resource expansion\", and the docs give no date for it.")
    plans = r.fact("models.glm5_plans")
    mult = r.fact("models.glm5_multiplier")
    r.fact("models.all_plans")
    if "lite" in plans_of(p) or not plans_of(p):
        r.fact("models.lite_no_glm5")
        r.fact("models.lite_glm5_api")
        r.fact("models.lite_later")
    lite = ("Lite does not include GLM-5 yet (the FAQ: Lite \"will also support GLM-5 once the iteration of new and old "
            "model resources is completed\"); until then a Lite user can call GLM-5 only through the paid general API "
            f"({r.facts.value('models.lite_glm5_api')}), billed to credits then account balance.")  # cited above when used
    text = (f"All plans can use GLM-4.7 and the older text models. GLM-5 is available on {plans[1]} and {plans[0]} "
            f"only for now, and each GLM-5 prompt counts {mult}× against your quota.")
    four = r.fact("models.four")
    listed = f" The FAQ lists the callable models as {', '.join(four[:-1])} and {four[-1]}, plus GLM-5 where included."
    asks_when = re.search(r"\b(when|what date|which date|date|eta)\b|哪天|什么时候|何时|几号|日期|月份|时间表", p.text)
    when = " The docs don't give a date for GLM-5 on Lite." if asks_when else ""
    if p.language == "zh":
        return (f"目前 GLM-5 仅支持 Pro 和 Max 套餐（每次调用按 {mult} 倍消耗额度）；Lite 套餐暂不包含 GLM-5，FAQ 说在新旧模型资源迭代完成后，"
                f"Lite 后续也会支持 GLM-5（文档没有写明 Lite 开放 GLM-5 的日期）；在此之前"
                f"如需使用只能通过按量付费的通用 API（{r.fact('models.lite_glm5_api')}）调用，先扣积分再扣账户余额。"
                f"所有套餐都支持 GLM-4.7 及旧版文本模型；FAQ 列出的可调用模型是 {'、'.join(four)}（已包含 GLM-5 的套餐另加 GLM-5）。")
    if plans_of(p) == ["lite"]:
        return lite + " GLM-4.7 and the older text models are included in every plan." + when
    return text + (" " + lite if "lite" in plans_of(p) or not plans_of(p) else "") + listed + when


# ---- MCP: a question naming web search, the reader, vision or Zread is this group's, answered or not -------------

def names_an_mcp_tool(text: str, s: Slots) -> bool:
    return matches(text, r"\b(web ?search|web ?reader|mcp|vision|zread|searches)\b", "联网搜索", "网页读取", "视觉", "搜索")


MCP = group("mcp", 130, names_an_mcp_tool)  # "how do I configure web search MCP?" is no quota question: no rule


def mcp_list_asked(text: str, s: Slots) -> bool:
    """"What MCP servers come with the coding plan?": which servers, not how many calls."""
    return (matches(text, r"\b(what|which)\b.{0,20}\bmcp (servers?|tools?)\b.{0,30}\b(include\w*|come with|available|do i "
                         r"get|are there|does the plan|do i have|on (the|my) plan|does z\.?ai (provide|offer|have)|(are|is) "
                         r"(provided|offered))\b|\bmcp (servers?|tools?)\b.{0,30}\b(include\w*|"
                         r"come with|available on|do i get)\b|\blist of mcp\b", r"(哪些|(?<!为)什么).{0,6}mcp.{0,8}(服务|工具)",
                   r"mcp.{0,10}(有哪些|包括)") or s.plans and mcp_on_plan_asked(text)) and not matches(
        text, r"\b(fail\w*|error|errors|401|403|429|recommend\w*|install\w*|how (do|to|can))\b", "失败", "报错", "用不了",
        "怎么", "如何")


def mcp_on_plan_asked(text: str) -> bool:
    """"Does Lite include web search?", "is vision available on the cheapest plan?", "Lite 套餐有联网搜索吗？", "最基础的
    版本不支持视觉和搜索": whether a plan has a server, not how many calls it gets (every plan has all three); the verb
    is the server's ("compare two screenshots ... available?" or "结果里有没有摘要" asks about what a server does)."""
    feature = r"(web ?search( mcp)?|web ?reader( mcp)?|vision( understanding| mcp)?|image (understanding|analysis))"
    verb = r"(include[sd]?|support(s|ed)?|comes? with|have|has|get|access|offer(s|ed)?)"
    return matches(text, rf"\b{verb}\b( (the|any|a))? {feature}\b|\b{feature} (is |are )?(available|included|supported)\b",
                   r"(支持|包含|包括|有没有|有|能用|可以用|能不能用)\s*(联网搜索|网络搜索|搜索|视觉理解|视觉|网页读取|识图)",
                   r"(联网搜索|网络搜索|搜索|视觉理解|视觉|网页读取|识图)(功能)?(吗|可以用|能用|能不能用)") and not matches(
        text, QUANTITY, "每个月")


@register("mcp_list", When(2, mcp_list_asked, group=MCP), facts=("mcp.servers", "mcp.zread_pool", "mcp.vision",
                                                                "mcp.all_plans", "mcp.lite", "mcp.pro", "mcp.max"))
def mcp_list(r: Reply, p: Parsed) -> str:
    servers = r.fact("mcp.servers")
    r.fact("mcp.zread_pool")
    r.fact("mcp.vision")
    if plans_of(p) or re.search(r"\b(which plans?|only|available on|bigger|higher)\b|哪些套餐|哪个套餐", p.text):
        r.fact("mcp.all_plans")  # "available on Lite, or only on the bigger plans?": all plans, in different amounts
        counts = [r.fact(f"mcp.{plan}") for plan in ("lite", "pro", "max")]
        if p.language == "zh":
            return (f"所有套餐都有视觉理解、网络搜索和网页读取 MCP（产品概览）；区别在次数：网络搜索和网页读取每月合计 Lite {counts[0]:,}、"
                    f"Pro {counts[1]:,}、Max {counts[2]:,} 次，视觉理解使用套餐的 5 小时 prompt 额度。")
        return (f"All plans include Vision Understanding, Web Search MCP and Web Reader MCP (the overview); what differs is "
                f"the amount: web searches and web reader calls per month, Lite {counts[0]:,}, Pro {counts[1]:,}, Max "
                f"{counts[2]:,}, and vision understanding draws on each plan's 5-hour prompt pool.")
    if p.language == "zh":
        return (f"套餐用户专属的 MCP 服务：{'、'.join(servers)}（产品概览），另有 Zread MCP 服务（开源仓库的文档和代码）。网络搜索、网页"
                "读取和 Zread 共用每月的调用次数，视觉理解使用套餐的 5 小时 prompt 额度。")
    return (f"The plan's own MCP servers: {', '.join(servers)} (the overview), and the Zread MCP server (open-source "
            "repositories' docs and code). Web search, web reader and Zread calls share the monthly count; vision "
            "understanding draws on the plan's 5-hour prompt pool.")


def mcp_amount_asked(text: str, s: Slots) -> bool:
    """"How many searches a month?"; a file's size limit ("what size limit for videos?") is the server page's."""
    # "does zread share the same pool?", "是跟联网搜索共用那 100 次吗": the totals answer that too
    shared = (r"共用|一起算|合并计算|同一个?(池|额度)|分开(算|计)",
              r"\b(same|shared|one) (pool|quota|count|total|allowance)\b|\bcount(ed)? together\b")
    if matches(text, r"\bfunctions?\b", "函数") and matches(text, r"\bhow many (tools|functions)\b|\b(tools|functions)\b.{0,20}"
                                                            r"\b(max|maximum|limit|at most)\b",
                                                            r"(tools|functions?|函数).{0,12}(最多|上限|几个|多少个)"):
        return False  # "tools 最多支持多少个？": a request's function list (the API reference), not the monthly searches
    return matches(text, QUANTITY, "每个月", *shared) and not mcp_list_asked(text, s) and not matches(
        text, r"\b(size|sizes|\d+ ?(mb|gb|kb)|mb|format|formats|resolution|file ?size|duration|length of)\b", "大小", "格式", "分辨率",
        # a version asked ("最低要求 Node 多少版本", "which node version does it need?") is a requirement, not a count
        r"\b(which|what|minimum|min|required) (node(\.js)?|python|npm) ?versions?\b|\bversions? (of|for) (node|python)\b",
        r"(node|python|npm|mcp-server|@z_ai)[^。？！\n]{0,12}版本|版本[^。？！\n]{0,4}(要求|最低)|最低[^。？！\n]{0,6}版本|(哪个|什么)\s*(的)?\s*版本")


def mcp_access_asked(text: str, s: Slots) -> bool:
    """"Can I pay for more searches?", "is there another way to call them?": the plan is the only way."""
    if matches(text, r"\bseparate (count|limit|quota|pool|allowance)\b", r"单独的?(次数|限制|额度|上限|配额)"):
        return False  # "does vision have a separate limit?" asks the amount, not how to buy more
    return matches(text, r"\b(pay|buy|purchase|top ?up|top-up|add-?on|extra|additional|more (searches|calls|quota)|"
                         r"other (way|ways|method|methods|access)|separately|outside (the|my) plan|without (the|a) plan|"
                         r"(bill|charge)\w* (to )?(my|the) (api |account )?balance|(from|with|using) (my|the) (normal |api |account )?"
                         r"balance)\b",
                   "购买", "额外", r"单独(购买|买|付费|付|充值|开通)", "其他方式")


@register("mcp_access", When(0, mcp_access_asked, group=MCP), facts=("mcp.no_other_access", "mcp.lite", "mcp.pro",
                                                                  "mcp.max"))
def mcp_access(r: Reply, p: Parsed) -> str:
    r.fact("mcp.no_other_access")
    plans = plans_of(p)
    quota = "".join(f" {PLAN_NAMES[plan]} includes {number(r.fact(f'mcp.{plan}'))} web searches and web reader calls "
                    "a month." for plan in plans)
    if p.language == "zh":
        return "目前除了套餐资源包之外，没有其他调用这三个 MCP 工具（视觉理解、联网搜索、网页读取）的方式，也不能单独购买。"
    return ("No: the FAQ says \"Other than the resource package, we currently do not provide any other access solutions "
            "for calling these three MCP tools\" (Vision, Web Search, Web Reader): the monthly count comes with your "
            "plan." + quota)


@register("mcp_quota", When(1, mcp_amount_asked, group=MCP),
          facts=("mcp.vision", "mcp.lite", "mcp.pro", "mcp.max", "mcp.zread_pool"))
def mcp_quota(r: Reply, p: Parsed) -> str:
    plans = plans_of(p) or list(PLAN_NAMES)
    r.fact("mcp.vision")
    values = {plan: r.fact(f"mcp.{plan}") for plan in plans}
    if p.language == "zh":
        zread = "zread" in p.text
        if zread:
            r.fact("mcp.zread_pool")
        zh = "；".join(f"{PLAN_NAMES[plan]} 套餐每月共 {number(v)} 次联网搜索和网页读取" for plan, v in values.items())
        return zh + ("。Zread MCP 的调用也计入这同一个每月总数（与联网搜索、网页读取共用）" if zread else "") + \
            "。视觉理解不单独计次，使用套餐每 5 小时的提示额度。"
    lines = [f"{PLAN_NAMES[plan]}: {number(v)} web searches and web reader calls per month in total."
             for plan, v in values.items()]
    if re.search(r"\b(vision|image|images|picture|screenshot)s?\b", p.text) and not re.search(r"\bsearch|reader\b", p.text):
        return ("Vision understanding has no separate count: it draws on the plan's 5-hour prompt pool. (The monthly "
                "counts are for web searches and web reader calls: " + "; ".join(lines).replace(" per month in total.", "")
                + " a month.)")
    shared = ""
    if "zread" in p.text:
        r.fact("mcp.zread_pool")
        shared = "\nZread MCP calls count in that same monthly total with web searches and web reader calls."
    return ("\n".join(lines) + shared +
            "\nVision understanding has no separate count: it draws on the plan's 5-hour prompt pool.")


def running_out_asked(text: str, s: Slots) -> bool:
    """"Does running out touch my balance?": the question is about the balance, not a story of running out."""
    return matches(text, QUOTA) and matches(text, r"\b(balance|charg\w*|pay|paying|billed)\b", "余额", "扣费", "扣钱") and matches(
        text, r"\b(run out|runs out|used up|burn\w* through|exhaust\w*|ran out|go over|exceed\w*|hit (the|my|a) ([\w-]+ )?"
              r"limit|reach(ed)? (the|my) ([\w-]+ )?limit|limit (is )?reached|over (the|my) (quota|limit)|(these|those) extra "
              r"(calls|prompts|requests))\b|\b100 ?%", "用完", "用满", "超出", "超过", "额外扣费") or matches(
        # "will my balance be used up by the coding plan in Claude Code?": the plan never draws on it
        text, r"\bbalance\b.{0,40}\b(used|consumed|deducted|touched|charged|drained)\b.{0,30}\b(by|when|while|for) (the |my )?"
              r"(coding plan|plan|claude code|coding tools?|using)")


def reset_time_asked(text: str, s: Slots) -> bool:
    """"Does the quota reset at midnight or 5 hours after my first prompt?": when the window starts."""
    # (a clause of time, "when I try to use it, and start chat", asks nothing of the window)
    return matches(text, r"\b(when|what time|at what point)\b(?!\s+(i|we|i'm|im)\b).{0,40}\b(reset|resets|refresh|refreshes|renew|renews|start|"
                         r"starts|begin|begins)\b|\bfixed time\b|\bmidnight\b|\b(rolling|sliding) (window|5)\b|\breset time\b|"
                         r"\bwindow\b.{0,20}\b(rolling|sliding|fixed)\b|\b(window|5h|5[- ]?hours?( cycle)?)\b.{0,12}\b(start|starts|begin|"
                         r"begins|count|counts|counted)\b.{0,12}\b(from|at|with)\b|\bfixed (blocks?|slots?|times?|schedule|intervals?)\b",
                   r"什么时候.{0,6}(重置|刷新|恢复)", "重置时间", "刷新时间", "几点", r"从.{0,8}(第一次|首次|开始).{0,10}(算|计算|计时)",
                   r"(用完|用光|耗尽).{0,12}(等多久|多久.{0,6}(能|才能|可以)|什么时候.{0,6}(能|可以)(再|接着|继续)?用)",
                   "滚动", "固定时间") and matches(
        text, QUOTA, r"\b(5[- ]?hours?|window|cycle)\b", "5小时", "5 小时") and not matches(
        text, r"\bweekly|per week|each week|7-day|7 day\b", "每周", "周额度")


@register("quota_reset", When(158, reset_time_asked), facts=("quota.refresh", "weekly.cycle", "error.1308"))
def quota_reset(r: Reply, p: Parsed) -> str:
    hours = r.fact("quota.refresh")
    days = r.fact("weekly.cycle")
    r.fact("error.1308")
    if p.language == "zh":
        return (f"文档只说额度用完后要等到下一个 {hours} 小时周期刷新，没有说明这个周期从何时开始计算（固定时间还是第一次使用）。"
                "达到上限时，错误 1308 会给出具体的重置时间。每周额度从下单时间开始计算，每 "
                f"{days} 天重置一次。")
    return (f"The docs say only that once the quota is used up you wait for the next {hours}-hour cycle; they don't say "
            "when a cycle starts (a fixed time or your first prompt). When you hit the limit, error 1308 gives the "
            f"exact reset time. The weekly quota counts from the time you placed your order and resets every {days} days.")


def rollover_asked(text: str, s: Slots) -> bool:
    """"Do unused prompts roll over?": the docs describe refreshes, never a carry-over."""
    return matches(text, r"\b(roll(s|ed)? ?over|rollover|carr(y|ies|ied) (over|forward)|accumulat\w*|bank(ed)? (my |the |unused |"
                         r"leftover )?(prompts?|quota)|"
                         r"saved? up)\b", "累积", "累计", "结转", "叠加", "顺延") and matches(
        text, QUOTA, r"\b(unused|leftover|left over|remaining)\b", "没用完", "剩余", "未使用")


@register("quota_rollover", When(155, rollover_asked), facts=("quota.refresh", "weekly.cycle"))
def quota_rollover(r: Reply, p: Parsed) -> str:
    hours = r.fact("quota.refresh")
    days = r.fact("weekly.cycle")
    if p.language == "zh":
        return (f"文档没有提到未用完的额度可以累积或结转：它们只说 5 小时额度每 {hours} 小时刷新一次，每周额度从下单时间起每 "
                f"{days} 天重置一次。")
    return (f"The docs don't say that unused quota carries over: they only say the 5-hour quota refreshes every {hours} "
            f"hours and the weekly quota resets every {days} days from your order time.")


@register("quota_exhausted", When(160, running_out_asked), facts=("quota.refresh", "api.billed_separately",
                                                                   "endpoint.general", *PLAN_FACTS))
def quota_exhausted(r: Reply, p: Parsed) -> str:
    window = r.fact("quota.refresh")
    if p.language == "zh":
        quotas = "".join(f"{PLAN_NAMES[plan]} 套餐每 {window} 小时最多约 {r.fact(f'quota.{plan}')} 次提示。"
                         for plan in plans_of(p))
    else:
        quotas = "".join(f" {PLAN_NAMES[plan]} gives up to ~{r.fact(f'quota.{plan}')} prompts every 5 hours."
                         for plan in plans_of(p))
    # "can I keep working by paying per token?": the plan never switches to the balance; the general API is apart
    paygo = re.search(r"\b(per token|pay[- ]as[- ]you[- ]go|keep (working|going|using)|continue|top up|recharge)\b|按量|继续",
                      p.text)
    if paygo:
        r.fact("api.billed_separately")
        general = r.fact("endpoint.general").rsplit("/chat", 1)[0]
        if p.language == "zh":
            quotas += f"按量付费的通用 API（{general}）与套餐分开计费，不使用套餐额度。"
        else:
            quotas += (f" The pay-as-you-go general API ({general}) is billed separately and does not use the plan's "
                       "quota.")
    if p.language == "zh":
        return f"不会扣除账户余额。额度用完后需要等待下一个 {window} 小时周期刷新。" + quotas
    return ("No: once the plan quota is used up, the system will not deduct from your account balance (FAQ); wait for "
            "the next 5-hour cycle, when it refreshes." + quotas)


TOPUP = (r"\b(buy|purchase|pay for|get|add|top ?up|refill|extend)\b.{0,25}\b(more|extra|additional)\b.{0,15}"
         r"\b(prompts?|quota|usage|requests?|limits?|capacity)\b|"
         r"\b(extra|additional|more)\s+(prompts?|quota|usage)\b.{0,40}\b(buy|purchase|pay|paid|for sale|sold)\b|"
         r"\b(add-?on|booster|top-?up|refill)s?\b.{0,30}\b(quota|prompts?|usage|limits?)\b|"
         r"\b(quota|prompt|usage)\s+(add-?ons?|boosters?|packs?|packages?|top-?ups?|refills?)\b|"
         r"\b(increase|raise|expand|extend|lift)\b.{0,12}\b(quota|(5[- ]?hours?|weekly|prompt|usage) limits?|prompts?)\b|"
         # "can I pay to reset my 5-hour window early?": no way to buy one back either
         r"\b(pay|buy|purchase)\b.{0,15}\b(reset|refresh|skip)\b|\breset\b.{0,30}\bearly\b")
TOPUP_ZH = (r"加油包|加量包|额度包|扩容|(单独|额外|另外|再)(购买|买|充值).{0,4}(额度|次数|用量)|"
            r"(购买|买|充值|(?<![叠追])加|增加|提高|提升|扩充)(更多|额外的?|点|些|一些)?(的)?(额度|次数|用量|上限)")


def topup_asked(text: str, s: Slots) -> bool:
    """"Can I buy more prompts when I run out?", "额度用完能买加油包吗": the docs describe no add-on, only the
    refreshes, a higher plan and the separately billed API. MCP calls ("more searches") are the mcp group's."""
    return matches(text, TOPUP, TOPUP_ZH) and not matches(text, STACKING) and not matches(
        # an output, context or concurrency limit, a comparison of plans, a campaign: other questions
        text, r"\b(output|context|tokens?|max_tokens|parallel|concurren\w*|at once|simultaneous\w*|rate)\b|\bthan\b|\bvs\b|"
              r"compar\w*|\b(campaign|promotion|event)\b", "输出", "上下文", "并发", "活动", "对比", "比") \
        and not matches(
        text, r"\b(mcp|web ?search\w*|searches|reader|zread|vision)\b|搜索|读取|视觉", r"\b(referral|invite|credits?)\b|邀请")


@register("quota_topup", When(25, topup_asked), facts=("quota.refresh", "weekly.cycle", "sub.cross_tier",
                                                        "api.billed_separately", "endpoint.general"))
def quota_topup(r: Reply, p: Parsed) -> str:
    hours = r.fact("quota.refresh")
    days = r.fact("weekly.cycle")
    r.fact("sub.cross_tier")
    r.fact("api.billed_separately")
    general = r.fact("endpoint.general").rsplit("/chat", 1)[0]
    if p.language == "zh":
        return (f"文档没有提到可以单独购买额外额度或加油包。文档说明的是：5 小时额度每 {hours} 小时刷新一次，每周额度从下单时间起每 "
                f"{days} 天重置一次；要更多额度可以升级到更高档位（跨档位升级立即生效，当前套餐剩余价值按比例抵扣差价）；"
                f"按量付费的通用 API（{general}）与套餐分开计费。是否有其他购买方式，请咨询 Z.ai 客服。")
    return (f"The docs don't mention buying extra quota or an add-on pack for the plan. What they describe: the 5-hour "
            f"quota refreshes every {hours} hours and the weekly quota resets every {days} days from your order time; "
            "for more quota you upgrade to a higher tier (a cross-tier upgrade takes effect immediately, and what is "
            "left of your plan is credited pro rata against the difference); and the pay-as-you-go general API "
            f"({general}) is billed separately from the plan. Z.ai support can say whether anything else is offered.")


def rate_limits_asked(text: str, s: Slots) -> bool:
    return matches(text, r"\b(rate limits?|requests? per (minute|second)|rpm|concurren\w*|in parallel|parallel|"
                         r"(?<!all )at once|simultaneous\w*)\b", "并发", "速率") and not matches(
        text, r"\b(parallel|multiple|simultaneous) (tool|function)[ _-]?calls?\b|\b(function|tool)[ _-]?call\w*",
        # two parameters that "cannot be set simultaneously" (error 1215) are no requests at once
        r"\bset simultaneously\b", "不能同时设置") and not (
        # "how many prompts per 5h do I get? want to know if I can run two sessions in parallel": the quota is asked
        matches(text, r"\bhow many prompts\b") and not matches(text, r"\b(rate limits?|concurren\w*|requests? per)\b", "并发"))


@register("rate_limits", When(140, rate_limits_asked), facts=("limits.rate_page", "quota.refresh"))
def rate_limits(r: Reply, p: Parsed) -> str:
    page = r.fact("limits.rate_page")
    if p.language == "zh":
        window = r.fact("quota.refresh")
        return (f"文档没有写明速率限制或并发请求数的具体数值。你账户当前的速率限制可以在 {page} 查看。文档写明的套餐限制是每 "
                f"{window} 小时的提示次数额度和每周额度。")
    return ("The docs do not state a number for rate limits or concurrent requests. Your account's current rate "
            f"limits are shown at {page}. The plan's documented limits are prompts per 5 hours and a weekly quota.")
