"""Price and subscription intents: plan prices, upgrades (cross-tier cost, same-tier validity, the rules),
downgrades, billing-cycle changes, cancellation, refunds, renewal, the fee order, the card minimum, personal plans.

Each intent is one unit here: its trigger(s), `@register(...)` with its precedence and the facts it may cite, and its
handler. To add a pricing intent, add a unit to this module (helpdesk/rules/registry.py explains `When` and groups);
to add or change a price or rule, corpus/facts.toml.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

from helpdesk.message import ACCOUNT_MATTER
from helpdesk.rules.registry import When, group, register
from helpdesk.rules.respond import PLAN_NAMES, Calculation, Reply, money, number, plans_of
from helpdesk.rules.quota import GLM5_NOT_SHOWN
from helpdesk.rules.tools import SUPPORTED_TOOL_NAMES
from helpdesk.rules.understand import (COST, QUOTA, TAKES_EFFECT, Parsed, Slots, asks_of_it, cycles_in, days_used_in, matches,
                                      plans_in)

SUBSCRIBE_PAGE = "https://z.ai/subscribe"
STATED_PRICES = {("lite", "monthly"): "price.lite_monthly", ("pro", "monthly"): "price.pro_monthly"}
PLAN_ORDER = {"lite": 0, "pro": 1, "max": 2}
CYCLE_ZH = {"monthly": "包月", "quarterly": "包季", "annual": "包年"}  # the words the Chinese subscription page uses
# "cancel a streaming request", "downgrade node": the thing cancelled or downgraded is not a subscription.
NOT_A_SUBSCRIPTION = re.compile(r"\b(request|requests|task|tasks|stream|streaming|job|generation|call|calls|process|"
                                r"command|operation|run|response|download|node|python|npm|package|library|sdk|version|"
                                r"update|updates|release|build|extension|plugin|cli|app|mcp)\b|降级(到|回)?\s*v?\d")


# Priced things that are not the plan: the API's cache and tokens, its agents and tools, images and video
OTHER_PRICED = (r"\b(cach(e|ed|ing)|storage|storing|per (hour|gb|call|use|image|video|search|page)|\w+ agent('s)? (price|cost)|"
                r"(price|cost) of (the |an? )?[\w/ -]{0,30}agent|translation|"
                r"glm-image|cogview|cogvideo\w*|slides?|posters?|asr|speech|web search tool)\b|缓存|存储|智能体|翻译|生图|图片生成|视频生成")


# A price asked in words of its own, not a verb of paying ("charged", "pay")
PRICE_ASKED = (r"\b(cost|costs|price|prices|pricing|how much|expensive|cheap|cheaper|fee)\b", "多少钱", "价格", "费用", "收费")


def price_asked(text: str, s: Slots) -> bool:
    """The plan's price, or a monthly dollar figure ("is it $3 a month?"); a token count makes it an API question."""
    plan = s.plans or matches(text, r"\b(coding plan|subscription|plan)\b", "套餐")
    if matches(text, OTHER_PRICED) and not matches(text, r"\b(lite|pro|max)\b( plan)?('s)? (price|cost)|\b(price|cost) of (the )?"
                                                         r"(lite|pro|max|plan|subscription)\b"):
        return False  # "do we pay for storing the cache?", "the Slide Agent's price?": another product's price
    if matches(text, COST) and plan and not s.tokens and not asks_of_it(text):  # not "can I pause Pro, same price?"
        # A question that takes its plan from the story must ask a price itself: "Which gets charged first?" after
        # "Pro renews at $30", or "Is there a minimum he has to pay?" after "my friend used my link for Lite", asks no
        # list price
        return bool(plans_in(text) or matches(text, r"\b(coding plan|subscription|plan)\b", "套餐") or matches(text, *PRICE_ASKED))
    return matches(text, r"\$\s?\d|\b\d+(\.\d+)?\s?(usd|dollars?)\b") and matches(text, r"\b(a|per|/) ?month\b|\bmonthly\b")


@register("plan_price", When(280, price_asked),
          facts=("price.lite_monthly", "price.pro_monthly", "price.from_lite", "price.from_pro",
                 "price.first_purchase_deal"))
def plan_price(r: Reply, p: Parsed) -> str:
    plans = plans_of(p) or list(PLAN_NAMES)
    cycles = p.slots.get("cycles") or ["monthly"]
    lite, pro = r.fact("price.lite_monthly"), r.fact("price.pro_monthly")
    from_lite, from_pro = r.fact("price.from_lite"), r.fact("price.from_pro")
    deal = r.fact("price.first_purchase_deal")
    stated, missing = [], []
    # "regional pricing for India?", "billed in EUR instead": the docs give USD only, and say so before the prices
    local = p.slots.other_currency or bool(re.search(LOCAL_PRICING, p.text))
    for plan, cycle in dict.fromkeys((plan, cycle) for plan in plans for cycle in cycles):
        value = _price(r, plan, cycle)
        (stated if value is not None else missing).append((plan, cycle, value))
    if p.language == "zh":
        parts = [f"{PLAN_NAMES[plan]} 包月 {money(v)}" for plan, _, v in stated]
        text = ("文档只给出美元价格，没有提到地区定价或用其他货币支付。" if local else "") + (
            ("文档中的价格：" + "，".join(parts) + "（来自 FAQ 的升级示例）。") if parts else "")
        if missing:
            text += ("文档没有写明 " + "、".join(f"{PLAN_NAMES[plan]} {cycle}" for plan, cycle, _ in missing)
                     + f" 的价格，请以订阅页面为准：{SUBSCRIBE_PAGE}")
        if re.search(r"(?<![\d.])(3|15)\s*(是咋|是怎么|怎么来|哪来)|from (3|15) usd|overview|概览|起价|首月|第一个月.{0,12}(3|15)",
                     f"{p.text} {p.story}".lower()):
            # "他 Pro 包月第一个月付的就是 15 刀，第二个月续费变成 30 了": the overview's starting price is the first-purchase deal
            text += (f"产品概览页的“from {number(from_lite)} USD per month”（Lite）和“from {number(from_pro)} USD per month”"
                     f"（Pro）是与首次购买 {number(deal)}% 优惠一起给出的起步价：即 {money(lite)} 和 {money(pro)} 的一半。")
        return text
    lines = ["The docs give the plan's prices in USD only; they don't mention regional prices or paying in another "
             "currency."] if local else []
    lines += [f"{PLAN_NAMES[plan]} monthly: {money(value)} (the list price used in the FAQ's upgrade example)."
              for plan, _, value in stated]
    if missing:
        names = ", ".join(f"{PLAN_NAMES[plan]} {cycle}" for plan, cycle, _ in missing)
        lines.append(f"The docs do not state the price of {names}; the current prices are on the subscription page, "
                     f"{SUBSCRIBE_PAGE}.")
    if stated or re.search(r"\bfrom\b|\$\s?(3|15)\b|\b(3|15) (usd|dollars?)\b|overview|starting", p.text):
        lines.append(f"The overview's \"from {number(from_lite)} USD per month\" (Lite) and \"from {number(from_pro)} USD "
                     f"per month\" (Pro) are starting prices shown beside its {number(deal)}%-off first-purchase deal: "
                     f"half of {money(lite)} and {money(pro)}.")
    return "\n".join(lines)


LOCAL_PRICING = (r"\b(regional|local|country|countries|ppp|purchasing power|localized|localised)\b.{0,20}\b(pric\w*|prices?)\b|"
                 r"\b(pric\w*|billed|charged|pay|paid)\b.{0,20}\bin (eur|euros?|inr|rupees?|gbp|pounds?|rmb|cny|yuan|yen|jpy|"
                 r"local currency)\b|\bother currenc\w*|地区(定)?价|本地货币|人民币(价格|付款|支付)")


def _price(r: Reply, plan: str, cycle: str) -> float | None:
    fact_id = STATED_PRICES.get((plan, cycle))
    return r.fact(fact_id) if fact_id else None


# ---- upgrades: a question that says "upgrade" (or "switch from X to Y") is this group's, answered or not ----------

def higher_plan_first(text: str, s: Slots) -> bool:
    """"Switch from Max to Pro": a higher plan named before a lower one is a downgrade, whatever else it says."""
    plans = s.plans
    # (money that went somewhere is no move: "Pro is active, but where did the rest of my Lite money go?")
    text = re.sub(r"\bwhere (did|does|do|has|have) [^?]{0,60}\bgo\b", " ", text)
    return len(plans) >= 2 and PLAN_ORDER[plans[0]] > PLAN_ORDER[plans[1]] and matches(
        # "switched", "moving", "go" — never "got" or "good"
        text, r"\b(switch\w*|mov(e|es|ed|ing)|go|goes|going|chang\w*|downgrad\w*|drop\w*)\b", "降到", "降级", "降回", "换成",
        "换到", "改成", r"降\s*(到)?\s*(lite|pro)")


# Upgrading software, not a plan: "ask ops to upgrade Node", "how do I upgrade claude code?", "升级一下 Node 版本"
SOFTWARE_UPGRADE = re.compile(r"\bupgrad\w*\s+(it |my |the |your |our |to )?(node(\.js|js)?|npm|npx|nvm|python|pip|claude code|"
                              r"claude|cline|opencode|crush|goose|cursor|kilo( code)?|roo( code)?|droid|vs ?code|the (plugin|"
                              r"extension|cli|client|app)|plugin|extension|cli|(the )?(latest|newest|new) version)\b|"
                              r"升级\s*(一下|下)?\s*(node|npm|nvm|python|pip|插件|扩展|客户端|claude|cline|opencode|cursor)", re.I)


def upgrade_asked(text: str, s: Slots) -> bool:
    text = SOFTWARE_UPGRADE.sub(" ", text)  # a tool's or a runtime's upgrade is no plan's
    if s.glm5 and matches(text, *GLM5_NOT_SHOWN):
        return False  # "upgraded to Pro for GLM-5 but it still shows glm-4.7": switching the model is the ask
    if matches(text, r"\bhow many times (more|the)\b|\bhow much more (quota|usage|prompts)\b", "几倍", "多少倍", "多少条"):
        return False  # "Lite 升 Pro 到底多几倍额度？": the plans' ratio, not the upgrade rules
    return matches(text, r"\bupgrad", "升级", r"升\s*(到|了)?\s*(pro|max)", "跨档") or (matches(text, r"\b(switch|move|moving|go|going|change|jump)\b.*\bto\b",
                                                         "换成", "换到", "改成", "转成", "切换到", "换",
                                                         # "does Max start now or when Lite ends? do I lose my Lite days?"
                                                         *TAKES_EFFECT)
                                                and len(s.plans) >= 2 and (len(set(s.plans)) >= 2 or len(set(s.cycles)) >= 2))


UPGRADE = group("upgrade", 30, upgrade_asked)  # "How do I upgrade Claude Code?" names no plan: no rule


# The subscriber's own purchase of a plan today ("I bought Lite monthly THIS MORNING"), not a friend's or a laptop's
OWN_PURCHASE_TODAY = re.compile(r"(\b(i|we)('ve| have)?( (finally|caved|gave in|went|decided)( and| to)?)?|^|[.!?\n]\s*)\s*(just )?(bought|subscribed( to)?|purchased|paid for)\b[^.?!\n]{0,25}"
                                r"\b(lite|pro|max|plan|subscription|it)\b[^.?!\n]{0,40}\b(today|this (morning|afternoon|evening))\b|"
                                r"\b(today|this morning),? (i|we) (just )?(bought|subscribed|purchased)\b[^.?!\n]{0,25}\b(lite|pro|max|plan)\b|"
                                r"今天.{0,6}(买|订阅|开通|购买)|(买|订阅|开通|购买).{0,10}当天", re.I)


def upgrade_cost_asked(text: str, s: Slots) -> bool:
    return matches(text, COST) or s.days_used is not None


def target_plan_changes(before: Slots, now: Slots) -> Slots:
    """A follow-up naming one plan ("and to Max?") changes the plan upgraded to, not the one upgraded from."""
    merged = before.merged(now)
    if len(now.plans) == 1 and len(before.plans) >= 2:
        merged = replace(merged, plans=[before.plans[0], now.plans[0]])
    return merged


@register("upgrade_cost", When(3, upgrade_cost_asked, group=UPGRADE), carry=target_plan_changes,
          facts=("sub.cross_tier", *STATED_PRICES.values()))
def upgrade_cost(r: Reply, p: Parsed) -> str:
    plans = plans_of(p)
    cycles = p.slots.get("cycles") or []
    if len(plans) < 2:  # the rule answers "full price or the difference?"; the amount needs the two plans
        r.clarify = True
        r.fact("sub.cross_tier")
        if p.language == "zh":
            return ("跨档位升级立即生效，当前套餐的剩余价值按比例折算为账户余额，用于抵扣差价，所以不需要再付全价。你要从哪个套餐升级到"
                    "哪个套餐？（例如从 Lite 包月升级到 Pro 包月）告诉我，我可以算出金额。")
        return ("A cross-tier upgrade takes effect immediately and the remaining value of your current plan is converted "
                "into account balance on a pro-rated basis, which offsets the price difference, so you don't pay the full price again. Which plan are you "
                "upgrading from and to (for example Lite monthly to Pro monthly)? I can work out the amount.")
    old_plan, new_plan = plans[0], plans[1]
    old_cycle = cycles[0] if cycles else "monthly"
    new_cycle = cycles[1] if len(cycles) > 1 else old_cycle
    days = p.slots.get("days_used")
    said = p.slots.get("days_said")
    if days is None and p.story and OWN_PURCHASE_TODAY.search(p.story):
        # "I bought Lite monthly THIS MORNING ... how much extra if I upgrade now?": the day of the purchase
        told, told_as = days_used_in(p.story.lower())
        if told == 0:
            days, said = told, told_as
    if isinstance(days, tuple):  # ("day", N): the Nth day of the cycle; ("halfway", 15): an assumption
        kind, value = days
        days = (r.calc("max(day - 1, 0)", day=(value, "question")) if kind == "day"
                else r.calc("half", half=(value, "assumption")))
    r.fact("sub.cross_tier")
    # two different amounts are the two plans' prices; one amount said twice ("paid $6 ... does the $6 vanish?") is one
    money_given = list(dict.fromkeys(p.slots.get("money", [])))
    old_price = money_given[0] if len(money_given) >= 2 else _price(r, old_plan, old_cycle)
    new_price = money_given[1] if len(money_given) >= 2 else _price(r, new_plan, new_cycle)
    origin_old = "question" if len(money_given) >= 2 else f"fact:{STATED_PRICES.get((old_plan, old_cycle))}"
    origin_new = "question" if len(money_given) >= 2 else f"fact:{STATED_PRICES.get((new_plan, new_cycle))}"
    if old_price is None or new_price is None:
        unknown = [f"{PLAN_NAMES[pl]} {cy}" for pl, cy, pr in ((old_plan, old_cycle, old_price),
                                                              (new_plan, new_cycle, new_price)) if pr is None]
        if p.language == "zh":
            unknown_zh = [f"{PLAN_NAMES[pl]} {CYCLE_ZH[cy]}" for pl, cy, pr in ((old_plan, old_cycle, old_price),
                                                                              (new_plan, new_cycle, new_price)) if pr is None]
            return (f"文档没有写明 {'、'.join(unknown_zh)} 的价格，所以无法给出准确金额。规则是：跨档位升级立即生效，当前套餐的剩余"
                    f"价值按比例折算为账户余额，用于抵扣升级的差价。当前价格请以订阅页面为准：{SUBSCRIBE_PAGE}；告诉我两个套餐的价格和你"
                    "当前计费周期已用了多少天，我可以帮你算出来。")
        return (f"The docs do not state the price of {' or '.join(unknown)}, so I can't give an exact figure. The rule: "
                "a cross-tier upgrade starts immediately and the remaining value of your current plan is converted into "
                f"account balance on a pro-rated basis, which offsets the price difference. Current prices are on {SUBSCRIBE_PAGE}; tell me both prices and how many "
                "days into your cycle you are, and I'll work it out.")
    if days is None:
        r.clarify = True
        same_day = r.calc("max(new - old, 0)", new=(new_price, origin_new), old=(old_price, origin_old))
        if p.language == "zh":
            return (f"跨档位升级立即生效，当前套餐的剩余价值按比例折算为账户余额，用于抵扣差价。你当前的{CYCLE_ZH[old_cycle]}计费周期已经用"
                    f"了多少天？告诉我就能算出金额。（在购买当天从 {PLAN_NAMES[old_plan]} 升级到 {PLAN_NAMES[new_plan]} 需支付 "
                    f"{money(same_day)}。）")
        return (f"A cross-tier upgrade takes effect immediately and the remaining value of your plan is converted into "
                f"account balance on a pro-rated basis, which offsets the price difference. How many days into your current {old_cycle} cycle are you? Then I can "
                f"work out the amount. (Upgrading {PLAN_NAMES[old_plan]} → {PLAN_NAMES[new_plan]} on the day you bought "
                f"it costs {money(same_day)}.)")
    period = {"monthly": 30, "quarterly": 90, "annual": 365}[old_cycle]
    days = min(days, period)
    days_origin = "calculation" if isinstance(p.slots.get("days_used"), tuple) else "question"
    remaining = r.calc("old * (period - days) / period", old=(old_price, origin_old), period=(period, "assumption"),
                       days=(days, days_origin))
    cost = r.calc("max(new - remaining, 0)", new=(new_price, origin_new), remaining=(remaining, "calculation"))
    unused = r.calc("period - days", period=(period, "assumption"), days=(days, days_origin))
    said = said or f"{number(days)} days used"
    if isinstance(p.slots.get("days_used"), tuple) and p.slots["days_used"][0] == "day":
        said = f"{number(days)} days used ({said})"
    if p.language == "zh":
        kind = p.slots["days_used"][0] if isinstance(p.slots.get("days_used"), tuple) else None
        said_zh = (f"计费周期第 {number(p.slots['days_used'][1])} 天，即已用 {number(days)} 天" if kind == "day" else
                   f"按 {period} 天周期过半计，即已用 {number(days)} 天" if kind == "halfway" else
                   "购买当天升级" if days == 0 else f"已用 {number(days)} 天")
        return (f"{money(cost)}：{PLAN_NAMES[old_plan]} {CYCLE_ZH[old_cycle]}（{money(old_price)}）升级到 "
                f"{PLAN_NAMES[new_plan]} {CYCLE_ZH[new_cycle]}（{money(new_price)}），{said_zh}。跨档位升级立即生效，当前套餐"
                f"未使用的 {number(unused)}/{period} 天（{money(remaining)}）按比例折算为账户余额，用来抵扣差价，所以你需支付 {money(new_price)} − "
                f"{money(remaining)}。按 {period} 天计费周期估算，实际金额以结算页面为准。")
    return (f"{money(cost)}: upgrading {PLAN_NAMES[old_plan]} {old_cycle} ({money(old_price)}) → {PLAN_NAMES[new_plan]} "
            f"{new_cycle} ({money(new_price)}) with {said} takes effect immediately; the unused "
            f"{number(unused)}/{period} days of your plan ({money(remaining)}) are converted into account balance on a "
            f"pro-rated basis and offset the difference, so you pay "
            f"{money(new_price)} − {money(remaining)}. Assumes a {period}-day cycle; the checkout page shows the exact amount.")


def same_plan_upgrade(text: str, s: Slots) -> bool:
    """Lite to Lite, or two cycles of one plan without a price asked: the validity question."""
    plans = s.plans  # one plan named twice, and no other ("Lite annual → Pro annual, where did the Lite money go": cross-tier)
    return len(plans) >= 2 and len(set(plans)) == 1 or (len(s.cycles) >= 2 and len(set(plans)) <= 1
                                                         and not matches(text, COST))


def upgrade_validity_asked(text: str, s: Slots) -> bool:
    return matches(text, r"\b(how long|how many months|validity|valid|expire|months)\b", "多久", "有效期") and len(
        set(s.plans)) <= 1


def cycles_validity_asked(text: str, s: Slots) -> bool:
    """"Lite monthly to Lite annual, how many months in total?" without the word upgrade."""
    return len(s.cycles) >= 2 and len(set(s.plans)) <= 1 and not s.glm5 and not matches(text, COST) and matches(
        text, r"\b(how long|how many months|validity|months in total|total months)\b",
        # "does it start now or after the month is over?": when the second cycle begins
        r"\b(start|starts|begin|begins|take effect|takes effect|kick in|kicks in|activate|active)\b.{0,40}\b(now|"
        r"immediately|right away|straight away|after|until|once|when|today)\b|"
        # "...and the monthly just gets eaten?": what becomes of the cycle already paid
        r"\b(get|gets|be|is)\s+(just )?(eaten|lost|wasted|forfeited|thrown away)\b",
        r"(马上|立即|立刻|何时|什么时候|等).{0,12}生效|生效|(作废|浪费|白买|没了)", *TAKES_EFFECT)


@register("same_tier_upgrade", When(1, same_plan_upgrade, group=UPGRADE), When(2, upgrade_validity_asked, group=UPGRADE),
          When(50, cycles_validity_asked), facts=("sub.same_tier",))
def same_tier_upgrade(r: Reply, p: Parsed) -> str:
    example = r.fact("sub.same_tier")  # months: Lite monthly then Lite annual
    cycles = p.slots.get("cycles") or []
    months = {"monthly": 1, "quarterly": 3, "annual": 12}
    named = list(dict.fromkeys(cycles))
    if len(named) >= 2:
        # which cycle is the current one a story may tell in either order ("bought annual, still shows quarterly",
        # "annual is too dear, monthly once it ends"): the answer names the two cycles, whose months add up either way
        old, new = named[:2]
        total = r.calc("old + new", old=(months[old], "assumption"), new=(months[new], "assumption"))
        if p.language == "zh":
            return (f"一共 {number(total)} 个月：同档位升级（{CYCLE_ZH[old]}和{CYCLE_ZH[new]}之间）新购买的套餐不是马上开始，要等当前套餐到期后才开始生效，"
                    f"所以有效期累加（{months[old]} + {months[new]} 个月）。FAQ 的例子：Lite 包月升级到 Lite 包年，共 "
                    f"{example} 个月。")
        return (f"{number(total)} months in total: for a same-tier upgrade (between {old} and {new}) the newly purchased "
                f"plan will not take effect immediately (FAQ); it starts after your current plan expires, so the validity "
                f"periods add up ({months[old]} + {months[new]} months). The FAQ's "
                f"example: Lite monthly → Lite annual gives {example} months.")
    if p.language == "zh":
        return ("有效期会累加：同档位升级（如包月 → 包年）新购买的套餐不是马上开始，要等当前套餐到期后才生效。FAQ 的例子：Lite 包月升级到 Lite 包年，"
                f"共可使用 {example} 个月。")
    return ("The validity periods add up: for a same-tier upgrade (e.g. monthly → annual) the newly purchased plan will "
            "not take effect immediately (FAQ); it starts after your current plan expires. The FAQ's example: Lite "
            f"monthly → Lite annual gives {example} months of service.")


# What an upgrade does not settle: a discount for it, whether the higher plan is faster, whether the used count resets
UPGRADE_ASIDE = (r"\b(discount\w*|coupon|promo\w*|loyalty|cheaper|faster|speed|priority|tokens? per second|latency|"
                 r"reset\w*|cleared?)\b", "优惠", "折扣", "打折", "更快", "速度", "优先", "清零", "重置", r"归零")


def upgrade_between_plans(text: str, s: Slots) -> bool:
    # ("Is Max actually faster than Lite?", "升 Pro 以后这 5 小时用掉的次数会清零吗": the docs' upgrade rule says neither)
    return bool(s.plans) and not matches(text, *UPGRADE_ASIDE)


@register("upgrade_rules", When(4, upgrade_between_plans, group=UPGRADE), facts=("sub.cross_tier", "sub.same_tier"))
def upgrade_rules(r: Reply, p: Parsed) -> str:
    plans = p.slots.plans
    if len(set(plans)) >= 2 and len(set(p.slots.cycles)) <= 1:  # "Lite monthly to Pro monthly": the cross-tier rule
        r.fact("sub.cross_tier")
        if p.language == "zh":
            return "跨档位升级（如 Lite → Pro）立即生效，原套餐的剩余价值按比例折算为账户余额，用于抵扣升级的差价。"
        return ("A cross-tier upgrade (e.g. Lite → Pro) takes effect immediately, and the remaining value of your original "
                "plan is converted into account balance on a pro-rated basis, which offsets the price difference.")
    r.fact("sub.cross_tier")
    example = r.fact("sub.same_tier")
    if p.language == "zh":
        return ("跨档位升级（如 Lite → Pro）立即生效，原套餐的剩余价值按比例折算为账户余额，用于抵扣升级的差价。同档位升级（如包月 → 包年）"
                f"在当前套餐到期后开始，有效期累加（Lite 包月 → Lite 包年 = {example} 个月）。")
    return ("A cross-tier upgrade (e.g. Lite → Pro) takes effect immediately, and the remaining value of your original "
            "plan is converted into account balance on a pro-rated basis, which offsets the price difference. A same-tier "
            "upgrade (e.g. monthly → annual) starts when your current plan expires, so the validity adds up (Lite "
            f"monthly → Lite annual = {example} months).")


def downgrade_named(text: str, s: Slots) -> bool:
    return matches(text, r"\bdowngrad", "降级") and not NOT_A_SUBSCRIPTION.search(text)


@register("downgrade", When(20, higher_plan_first), When(60, downgrade_named), facts=("sub.downgrade", "sub.refund"))
def downgrade(r: Reply, p: Parsed) -> str:
    r.fact("sub.downgrade")
    # "降级以后差价会退吗？", "will I get the difference back?": the difference is not paid back either
    back = refund_asked(p.text, p.slots) or bool(re.search(r"\b(get|getting) the difference back\b|\bdifference (be )?"
                                                           r"refunded\b", p.text))
    if back:
        r.fact("sub.refund")
    if p.language == "zh":
        return ("降级在当前计费周期结束后生效：在订阅页面选择新的套餐并确认即可；在此之前你仍可继续使用当前套餐。"
                + ("订阅一经购买不可退款，FAQ 没有提到降级会退还差价。" if back else ""))
    return ("A downgrade takes effect after your current billing cycle ends: choose the new plan on the subscription "
            "page and confirm; you keep your current plan until then."
            + (" Subscriptions are non-refundable once purchased, and the FAQ mentions no refund of the difference on "
               "a downgrade." if back else ""))


def cycle_change_asked(text: str, s: Slots) -> bool:
    return (matches(text, r"\b(billing cycle|billing period|from (monthly|quarterly|annual|yearly) to|(switch|chang|mov|go|"
                          r"convert|turn)\w* (\w+ ){0,3}to (an )?(annual|yearly|quarterly|monthly))\b")
            or matches(text, r"(换成|改成|转成|转为|切换(到|成|为)?|改为).{0,4}(年付|季付|月付|包年|包季|包月|年度|季度|月度)")
            ) and not matches(text, COST)


@register("cycle_change", When(70, cycle_change_asked), facts=("sub.billing_cycle_change", "sub.same_tier"))
def cycle_change(r: Reply, p: Parsed) -> str:
    r.fact("sub.billing_cycle_change")
    example = r.fact("sub.same_tier")
    if p.language == "zh":
        return ("更换计费周期在当前计费周期结束后生效：在订阅页面选择新的周期并确认。同一档位内升级（如月付 → 年付）时，新周期接在"
                f"当前周期之后（Lite 月付 → Lite 年付 = {example} 个月）。")
    return ("A billing-cycle change takes effect after your current billing period ends: select the new cycle on the "
            "subscription page and confirm. Upgrading within the same tier (monthly → annual) adds the new period "
            f"after your current one (Lite monthly → Lite annual = {example} months).")


# Turning renewal back on after cancelling: neither "does it renew" nor cancelling, and the docs don't say how.
BACK_ON = r"\b(back on|re-?enable|turn (it )?(back )?on|resume|undo)\b"


def stop_renewal_asked(text: str, s: Slots) -> bool:
    """"How do I turn off auto-renew?": how to stop it is the cancellation's answer, not whether it renews."""
    if matches(text, BACK_ON, "重新开启", "恢复"):
        return False  # turning it back on: the docs don't say how
    return matches(text, r"\b(cancel\w*|stop\w*|turn(ing)? off|disabl\w*|switch(ing)? off|opt(ing)? out)\b.{0,30}"
                         r"\b(auto[\s-]?renew\w*|renew\w*|subscription)\b|\b(auto[\s-]?(renew|charg)\w*|renew\w*)\b.{0,160}"
                         r"\b((turn|switch|shut) (this|it) off|(stop|cancel|disable) (this|it))\b", r"(取消|关闭|关掉|停止|停掉).{0,6}(自动)?续费|(自动)?续费.{0,6}(怎么|如何|在哪)(关|取消|停)") and matches(
        text, r"\b(how|where|can i|way to)\b", "怎么", "如何", "在哪")


# "取消了 Support Images", "取消勾选": unticking a setting is no cancellation
UNCHECKED = re.compile(r"取消(了)?\s*(勾选|勾|选中|打勾|[“\"']?(support|supports|enable|use|allow|show|auto-?approve)[a-z]* [a-z]{2,})",
                       re.I)


def cancel_asked(text: str, s: Slots) -> bool:
    text = UNCHECKED.sub(" ", text)
    if matches(text, BACK_ON, "重新开启", "恢复"):
        return False  # turning renewal back on is not cancelling: the docs don't say how
    return matches(text, r"\bcancel|unsubscribe|stop (the )?(auto-?)?renew|\b(pause|freeze|suspend|put on hold)\b.{0,30}\b"
                         r"(plan|subscription|account|billing)\b|\b(plan|subscription)\b.{0,20}\b(pause|freeze|suspend)\b",
                   "取消", r"(暂停|冻结).{0,6}(套餐|订阅)", r"(关掉|关闭|停掉)(自动)?(续费|订阅)|(自动)?续费(关掉|关闭|停掉)",
                   # "要提前 48 小时关，不然照样扣": how long before the charge to cancel, its object told before
                   r"提前\s*\d+\s*(个)?\s*(小时|天)\s*(关|取消|停)",
                   r"\b\d+ ?(hours?|h|days?) (before|ahead)\b.{0,20}\b(turn(ing)? (it )?off|switch(ing)? (it )?off|disabl\w*)") and \
        not NOT_A_SUBSCRIPTION.search(text)


@register("cancel_deadline", When(38, stop_renewal_asked), When(80, cancel_asked),
          facts=("sub.cancel", "sub.cancel_page", "terms.distributor_cancel", "terms.distributor_policies"))
def cancel_deadline(r: Reply, p: Parsed) -> str:
    hours = r.fact("sub.cancel")
    r.fact("sub.cancel_page")
    when: dt.datetime | None = p.slots.get("date")
    store = distributor_line(r, p)  # bought in an app store: its process, then Z.ai's own rule
    if store:
        return store + (f"在 Z.ai 直接订阅的，请至少在下一个扣费日前 {hours} 小时在订阅管理页面取消。" if p.language == "zh" else
                        f"A subscription bought from Z.ai directly is cancelled on the subscription management page at "
                        f"least {hours} hours before the next billing date.")
    if re.search(r"\b(pause|freeze|suspend|on hold)\b|暂停|冻结", p.text):  # what the docs offer instead of a pause
        if p.language == "zh":
            return (f"文档没有提到暂停或冻结订阅。它们描述的是取消：至少在下一个扣费日前 {hours} 小时在订阅管理页面取消，之后当前套餐"
                    "仍可用到到期，需要时再重新订阅。")
        return (f"The docs don't mention pausing a subscription. What they describe is cancelling: cancel on the "
                f"subscription management page at least {hours} hours before the next billing date, your plan stays "
                "active until it expires, and you can subscribe again later.")
    if p.language == "zh":
        return (f"请至少在下一个扣费日前 {hours} 小时在订阅管理页面取消，以免自动续费；取消后当前套餐仍可用到到期。"
                "订阅一经购买不可退款。")
    if when is not None:
        latest = when - dt.timedelta(hours=hours)
        r.calculations.append(Calculation("billing - 24h", {"billing": (when.isoformat(), "question"),
                                                             "hours": (hours, "fact:sub.cancel")}, latest.timestamp()))
        exact = when.hour or when.minute
        moment = latest.strftime("%B %-d, %H:%M") if exact else latest.strftime("%B %-d")
        hint = "" if exact else " at the same time of day as your renewal (the docs count 24 hours before it)"
        return (f"Cancel by {moment}{hint}: cancellation must be at least {hours} hours before the next billing date "
                f"({when.strftime('%B %-d')}). Your plan stays active until it expires.")
    return (f"Cancel on the subscription management page, at least {hours} hours before your next billing date, to "
            "avoid auto-renewal. After cancelling, your plan stays active until it expires; there is no refund for the "
            "unused part.")


def refund_asked(text: str, s: Slots) -> bool:
    """A refund of the plan; an app store's or a distributor's refund is theirs to answer."""
    if matches(text, r"\bnot (asking|looking|requesting|wanting|here) (for )?(a )?refund|\bno refund (needed|wanted)\b|"
                     r"\b(wanted|was going to ask for|thought about) a refund\b.{0,40}\b(decided|keep|but)\b|\b(got|received) (our|my|the) "
                     r"money back\b.{0,40}\b(already|all good|resolved)\b|\b(i'?d|would) deserve a refund if\b",
               "不是要退款", "不要退款", "不退款"):
        return False
    if matches(text, r"\b(his|her|their|friend'?s?|someone'?s?|others'?) (money back|refund)\b|\b(money back|refund)\b.{0,20}\bfrom "
                     r"(cursor|anthropic|claude|openai|github|copilot|windsurf|google|kimi|moonshot|minimax)\b"):
        return False  # another person's refund, or another company's: not ours to state
    if matches(text, r"\b(invit\w*|referr\w*)\b", "邀请") and matches(text, r"\b(credits?|rewards?|bonus)\b", "积分", "返利",
                                                                    "奖励") and matches(
            text, r"\b(was|were|is|has|have|had|got) ?(not|n't|never)( been)? refunded\b|\bnot refunded\b",
            "没有退款", "没退款", "未退款") and not matches(
            text, r"\b(can|could|will|would|do|does|should) (i|we|you)\b[^.?!\n]{0,30}\b(refund|money back)\b|"
                  r"\b(want|need|request\w*|demand\w*|give me|where('s| is)|is there|get) (a |my |the |our )?(full )?"
                  r"(refund|money back)\b|\brefund (it|this|that|me|please)\b|\bwants? (it|this|that|them) refunded\b|"
                  r"\b(charged|billed) twice\b|\bdouble[- ]charged?\b|\bby mistake\b",
            r"(能|可以|能不能)[^。？?]{0,6}退", r"请.{0,6}退款", "申请退款", r"退款(流程|怎么)", "怎么退款", "要退款", "想退款"):
        return False  # "...invited her, she never subscribed before and the order was not refunded": an invite's
        # condition told met, no refund asked
    # "Please reverse this charge", "undo the purchase": a refund asked for in other words
    # ("reverse charge" is the EU's VAT mechanism, not a charge to reverse)
    reversal = matches(text, r"\b(reverse|undo|void)\b(?![\s-]*charge\b).{0,20}\b(charge|purchase|payment|order|transaction)\b"
                       ) or (matches(
        text, r"\b(reverse|undo) (it|this|that)\W*$") and matches(text, r"\b(charged|bought|purchased|paid|subscribed|clicked)\b"))
    return (reversal or matches(text, r"\brefund|money back|reimburse(?!ment)", "退款", "退钱", "把钱退", "退费",
                                r"钱.{0,4}退回", r"(能|可以|能不能|可不可以)退(吗|不|么|嘛)?\W*$", "退不退",
                                r"钱.{0,6}(能|可以|会)退(一部分|一点|部分|点|回来|回|多少)",  # "剩下的钱能退一部分吗"
                                # "差价会退吗？" on a downgrade, "will I get the difference back?"
                                r"(差价|剩下的钱|剩余的钱|余下的钱|剩余费用).{0,4}(会|能|可以)?退(?!出)")) and not matches(
        text, r"\bthird-party\b(?! distributor)")


PROCESSOR = (r"\b(payment )?processors?\b|\bpaypal\b|\bstripe\b", "第三方支付", r"支付(渠道|平台|服务商)")
OUTAGE_WORDS = (r"\b(outages?|downtime|down for|unavailable|interruptions?|basically dead|was dead)\b", "宕机", "故障", "中断",
                "挂了", "不可用", "用不了")


def liability_asked(text: str, s: Slots) -> bool:
    """"your terms say you're not responsible for payment processor errors, is that in there?", "what's your policy on
    outages? a pro-rated credit for the day?": what the subscription terms say Z.ai is not liable for."""
    processor = matches(text, *PROCESSOR) and matches(text, r"\b(responsib\w*|liab\w*|fault)\b", "负责", "责任")
    outage = matches(text, *OUTAGE_WORDS) and matches(
        text, r"\b(compensat\w*|credit|extension|sla|policy|terms|liab\w*|guarantee\w*|warrant\w*|pro-?rated)\b", "补偿",
        "赔偿", "延期", "条款", "保障", "顺延")
    return processor or outage


@register("terms_liability", When(89, liability_asked), facts=("terms.no_warranty", "terms.processor"))
def terms_liability(r: Reply, p: Parsed) -> str:
    zh = p.language == "zh"
    lines = []
    if matches(p.text, *PROCESSOR):
        r.fact("terms.processor")
        said = r.facts.words("terms.processor", r".+")
        lines.append(f"订阅条款原文：“{said}”（Z.ai 不对第三方支付处理商造成的错误或问题负责。）" if zh else
                     f"The subscription terms: \"{said}\"")
    if matches(p.text, *OUTAGE_WORDS) or not lines:
        r.fact("terms.no_warranty")
        warrant = r.facts.words("terms.no_warranty", r"does not warrant that [^.]+")
        liable = r.facts.words("terms.no_warranty", r"shall not be liable for [^.]+")
        lines.append(f"订阅条款说，Z.ai 不保证服务完全没有错误（“{warrant}”），并且对不可抗力、网络故障或第三方行为造成的服务中断不承担"
                     f"责任（“{liable}”）；文档没有写明停机的补偿或延期。" if zh else
                     f"The subscription terms say Z.ai \"{warrant}\" and \"{liable}\"; the docs describe no credit or "
                     "extension for downtime.")
    return "\n".join(lines)


# A cancellation made, and the renewal charged anyway: "点完取消，今天早上还是被扣了", "cancelled last night but got charged today"
CANCELLED_LATE = re.compile(r"\bcancel\w*\b.{0,80}\b(still|anyway|but|yet|then)\b.{0,30}\b(charged|billed|renewed|debited)\b|"
                            r"取消.{0,40}(还是|仍然|结果|但是?|却).{0,12}(扣|被扣|续费|扣费|扣款)", re.I | re.S)


@register("refund", When(90, refund_asked), facts=("sub.refund", "sub.cancel", "terms.distributor_cancel",
                                                   "terms.distributor_policies"))
def refund(r: Reply, p: Parsed) -> str:
    # bought in an app store: the terms send its refund to the distributor's policies ("I didn't buy through an app
    # store" is a purchase on z.ai, the no-refund rule's)
    store = "" if NOT_A_STORE.search(told(p)) else distributor_line(r, p)
    if store:
        return store + (" 文档没有写出应用商店的退款规则；请按该商店的退款流程申请。" if p.language == "zh" else
                        "The docs don't give the store's own refund rules; ask through the store's refund process.")
    r.fact("sub.refund")
    own_charge = bool(ACCOUNT_MATTER.search(p.text))  # "charged twice, I want a refund": their charge comes first
    late = ""
    other = re.search(r"\bcancel\w*\b.{0,25}\b(claude|anthropic|cursor|chatgpt|openai|copilot|github|kimi|minimax|windsurf)\b",
                      told(p), re.I)  # (another company's subscription cancelled is not this one)
    if CANCELLED_LATE.search(told(p)) and not other:  # "cancelled last night, charged this morning": the deadline it missed
        hours = r.fact("sub.cancel")
        late = (f"FAQ 要求至少在下一个扣费日前 {hours} 小时取消，以免自动续费。" if p.language == "zh" else
                f" The FAQ asks you to cancel at least {hours} hours before your next billing date to avoid "
                "auto-renewal.")
    if p.language == "zh":
        policy = "订阅一经购买不可退款，即使没有用完套餐，费用也不予退还。"
        return (f"重复扣费或金额不对，需要 Z.ai 客服核查你的账户（链接见下）。一般规则：{policy}" if own_charge else
                f"不可以。{policy}" + (late or "建议选择最适合自己用量的套餐和计费周期。"))
    policy = ("subscriptions are non-refundable once purchased, even if you haven't used your full plan. You can "
              "cancel to stop the next renewal; your plan stays active until it expires.")
    if own_charge:
        return ("A charge you did not expect (a double charge, a wrong amount) is for Z.ai support to check on your "
                f"account; the link is below. The general policy: {policy}{late}")
    return f"No: {policy}{late}"


def price_change_asked(text: str, s: Slots) -> bool:
    """"Is the price going up?", "will my renewal cost more?": a future fee change, not today's price."""
    return ((matches(text, r"\brenew\w*\b.{0,30}\b(a )?(higher|bigger) (price|amount|fee)\b|\b(higher|increased) "
                           r"(renewal|price at renewal)\b") and not matches(
                text, r"\b(compared|vs\.?)\b|\bthan (?!before|last|previous|usual|it was|i paid)")) or matches(text,
                    r"\b(price|prices|pricing|fee|fees|cost|costs|renewal)\b.{0,40}\b("
                          r"increas\w*|go(ing|es)? up|rais\w*|hik\w*|chang\w*|more expensive|went up)\b",
                    # "my plan ... change my email" is no price change: a plan itself must get dearer
                    r"\b(subscription|plan)\b.{0,40}\b(increas\w*|go(ing|es)? up|rais\w*|hik\w*|more expensive|went up)\b",
                    r"\b(increas\w*|rais\w*|hik\w*)\b.{0,30}\b(price|prices|pricing|fee|fees)\b",
                    r"\b(price|fee) (increase|hike|change)s?\b", r"\b(cost|costs|pay|charge) more\b",
                    r"\b(agree\w*|accept\w*) (to )?the (new|higher) (price|fee)s?\b", "涨价", "提价", r"(价格|费用|续费).{0,8}(上涨|涨|提高|变化|变)")
            and not matches(text, r"\b(concurrency|limit|limits|quota|token|tokens|request|requests)\b", "并发", "额度"))


@register("price_change", When(35, price_change_asked), facts=("terms.fee_in_term", "terms.fee_increase",
                                                               "grandfather.auto_renewal"))
def price_change(r: Reply, p: Parsed) -> str:
    r.fact("terms.fee_in_term")  # the term already paid is safe: what "will they charge me more?" asks first
    r.fact("terms.fee_increase")
    r.fact("grandfather.auto_renewal")
    if p.language == "zh":
        return ("当前订阅期内不会涨价：订阅条款写明 Z.ai 可能不时调整订阅费用，但不会在你当前的订阅期内提高费用。文档没有公布任何"
                "未来的价格调整；如果费用上涨，会提前通知你，续费后继续订阅即视为接受新费用。2 月 12 日前开启自动续费的用户，续费价格"
                f"和用量额度保持不变。当前价格以订阅页面为准：{SUBSCRIBE_PAGE}")
    return ("Not during your current term: the subscription terms say Z.ai may adjust fees from time to time but will "
            "not increase fees during your current term. The docs announce no future price change; if fees are "
            "increased, you will be notified in advance, and continuing the subscription after renewal means accepting "
            "the new fees. If you enabled auto-renewal before February 12, your renewal price and usage quota stay "
            f"unchanged. Current prices are on the subscription page, {SUBSCRIBE_PAGE}.")


# A renewal told as done ("got auto-renewed this morning", "it renewed without asking", "自动续费了"), not asked about
RENEWED = re.compile(r"\b(got|was|been|just|it|plan|subscription|already) (auto[\s-]?)?renewed\b|\bauto[\s-]?renewed\b|"
                     r"(已经|又|被)?自动续费了|(被|又)续费了|(又|自动)续了")


def renewal_asked(text: str, s: Slots) -> bool:
    if matches(text, r"\b(change|move|pick|choose|set|switch)\b.{0,30}\b(billing|renewal|charge|payment) (date|day)\b",
               r"(改|换|调整|修改|设置).{0,8}(扣款日|扣费日|续费日|日期)|(扣款日|扣费日|续费日).{0,8}(改|换|调整)"):
        return False  # "can I move the renewal date to the 1st?": the docs say nothing of choosing it
    if RENEWED.search(text) and refund_asked(text, s):
        return False  # "I got auto-renewed. can I get a refund?": the refund of a charge made is what is asked
    return matches(text, r"\b(auto[\s-]?renew\w*|renew\w* (by itself|automatically)|renew on its own|does (my|the) "
                         r"(plan|subscription) renew)\b", "自动续费", r"(又|自动)续了", r"到期[^。！？\n]{0,12}(又|自动)(扣|续)") and not matches(
        text, r"\b(feb|february|before|weekly)\b", QUOTA, "每周", "周限", "限额", "2月12", "2 月 12") and not matches(
        # a renewal that failed, or its price: a person's case and the price rules, not "does it renew?"
        text, r"\b(fail\w*|declin\w*|expired|cancell?ed|cancell?ing|twice|double\w*|didn'?t|did not|discount\w*|price|cheaper|more expensive|balance|credits?|more than|"
              r"why did)\b|\$\s?\d[^$]{0,80}\$\s?\d", BACK_ON, "失败",
        "价格", "优惠", "余额", "积分", "取消了", "点了取消", "两次", "重复")


# Bought through an app store: the terms send cancelling through the distributor's process
DISTRIBUTOR = re.compile(r"\b(app ?store|google play|play store|in-app purchase|distributor)\b|"
                         r"\b(bought|subscribed|purchased|paid) (it )?(through|via|in|on|from) (the )?"
                         r"(apple|ios|iphone|ipad|android)\b|应用商店|苹果商店|安卓市场|"
                         r"(在|从|用|通过)(手机|苹果|iphone|ipad|安卓).{0,6}(订阅|购买|买的|买了)", re.I)


NOT_A_STORE = re.compile(r"\b(didn'?t|did not|not|never|wasn'?t)\b.{0,20}\b(through|via|in|on|from) (an? |the )?(app ?store|google "
                         r"play|play store|distributor|apple|ios|android)\b|不是.{0,6}(应用商店|app ?store|苹果|安卓)", re.I)


def told(p: Parsed) -> str:
    """The question and the story around it: where a situation ("I bought it in an app store") is told."""
    return f"{p.text} {p.story}"


def distributor_line(r: Reply, p: Parsed) -> str:
    if not DISTRIBUTOR.search(told(p)) or NOT_A_STORE.search(told(p)):
        return ""
    r.fact("terms.distributor_cancel")
    r.fact("terms.distributor_policies")
    return ("订阅条款写明：通过第三方分销商（distributor，例如应用商店）订阅的，付款、账单和退款条款受该分销商的政策约束；取消也需按该分销商"
            "的流程办理。" if p.language == "zh"
            else "The subscription terms: \"If you subscribe through a third-party distributor (e.g., an app store), your "
                 "payment, billing, and refund terms are governed by the distributor’s policies\", and \"cancellation must "
                 "follow the distributor’s process\". ")


LENGTH = {"monthly": ("a monthly", "a month"), "quarterly": ("a quarterly", "a quarter"), "annual": ("an annual", "a year")}
LENGTH_ZH = {"monthly": "一个月", "quarterly": "一个季度", "annual": "一年"}


@register("renewal", When(40, renewal_asked), facts=("sub.auto_renew", "sub.cancel", "terms.distributor_cancel",
                                                     "terms.distributor_policies", "sub.refund", "terms.renewal_term"))
def renewal(r: Reply, p: Parsed) -> str:
    r.fact("sub.auto_renew")
    hours = r.fact("sub.cancel")
    store = distributor_line(r, p)
    if store:
        return store + (f"在 Z.ai 直接订阅的，自动续费需至少在下一个扣费日前 {hours} 小时取消。" if p.language == "zh" else
                        f"A subscription bought from Z.ai directly is cancelled at least {hours} hours before the next "
                        "billing date.")
    charged = bool(RENEWED.search(p.text))  # "got auto-renewed this morning, I'd stopped using it": a charge made
    if charged:
        r.fact("sub.refund")
    # "bought quarterly: will it renew monthly or quarterly?", "续费扣了一整个季度": the renewal's length is the term's
    cycle = (p.slots.get("cycles") or ["monthly"])[0]  # the term bought, named first
    # (a cycle asked beside another told in the story, "买的 Lite 月付 ... 那年付的到期也会自动续吗？", is two as well)
    cycles = set(p.slots.get("cycles") or []) | (set(cycles_in(p.story)) if p.slots.get("cycles") else set())
    term = r.fact("terms.renewal_term") if len(cycles) >= 2 or (p.slots.get("cycles") and re.search(
        r"\b(same (term|length|duration|period|cycle)|whole|full|entire)\b|一整|整个|整年|整季|按(月|季|年).{0,10}还是", p.text)) else None
    if p.language == "zh":
        return (f"会。订阅在每个计费周期结束时自动续费，费用从你保存的支付方式扣除。如需停止，请至少在下一个扣费日前 {hours} 小时取消。"
                + ("续费的时长与原订阅期相同（订阅条款：“it will automatically renew for the same duration (“Renewal "
                   f"Term”) unless canceled”），例如{CYCLE_ZH[cycle]}续费仍按{LENGTH_ZH[cycle]}。" if term else "")
                + ("已经扣的续费：订阅一经购买不可退款，即使没有用完套餐，费用也不予退还；取消只停止下一次续费。" if charged else ""))
    return (f"Yes: your subscription will automatically renew at the end of each billing cycle and is charged to your "
            f"saved payment method. To stop it, cancel at least {hours} hours before the next billing date."
            + (" It renews for the same length as the term you bought (the subscription terms: \"it will automatically "
               f"renew for the same duration (“Renewal Term”) unless canceled\"), so {LENGTH[cycle][0]} plan renews "
               f"for {LENGTH[cycle][1]}." if term else "")
            + (" A renewal already charged: subscriptions are non-refundable once purchased, even if you haven't used "
               "your full plan; cancelling stops the next renewal." if charged else ""))



def fee_order_asked(text: str, s: Slots) -> bool:
    """Which is charged first: credits, balance or card; "will my balance pay for the subscription?" too."""
    if card_minimum_asked(text, s):
        return False  # "credits covered all but 40 cents and the card was charged more": the card's minimum says why
    if matches(text, r"\b(auto[\s-]?renew\w*|renewal)\b[^.?!\n]{0,40}\b(balance|credits?|card)\b|\b(balance|credits?)\b[^.?!\n]{0,40}"
                     r"\b(auto[\s-]?renew\w*|renewal)\b", r"(续费|自动续费).{0,12}(余额|积分|信用卡)|(余额|积分).{0,12}(续费|自动续费)") and not \
            matches(text, r"\b(fail\w*|declin\w*|expired|lose)\b", "失败", "过期"):
        return True  # "will auto-renew charge my balance or my card?": which source pays
    if matches(text, r"\b(balance|credits?)\b[^.?!\n]{0,60}\b(used (to|for) (pay|buy|purchase)\w*|pay for|paid for|cover|covers|go "
                     r"towards?|buy|purchase)\b(?![^.?!\n]{0,20}\b(more|extra) quota)[^.?!\n]{0,30}\b(subscription|plan|coding plan|"
                     r"renewal|lite|pro|max)\b(?![^.?!\n]{0,10}\bruns? out)|"
                     r"\b(pay|paid|buy|purchase)\b (for )?(the |my |a )?(subscription|plan|renewal|lite|pro|max)( plan)? (with|using|"
                     r"from|out of) (my |the )?(existing )?(account )?(balance|credits?)\b",
               r"(余额|积分).{0,12}(支付|付款|抵扣|买|购买|用来|用于).{0,8}(套餐|订阅|续费)"):
        return True
    if matches(text, r"\b(renew\w*|subscription|plan fee|plan's fee)\b[^.?!\n]{0,30}\b(took|taken|deducted|debited|charged|paid|came)\b"
                     r"[^?!\n]{0,40}\b(from|out of) (my |the )?(cash |account |credits? )?(balance|credits)\b"):
        return True  # "the renewal took $9.40 out of my cash balance": which source a subscription's fee came from
    if matches(text, r"\bcredits?\b") and matches(text, r"\b(before|first|priority)\b") and matches(
            text, r"\b(card|paypal|balance|cash)\b"):
        return True
    if matches(text, r"\b(takes?|uses?|charges?|spends?|deducts?|eats?|drains?) (my |the )?credits?( balance)? first\b|"
                     r"\bwhich (one|source|of them) (pays|is charged|gets charged|is used)\b"):
        return True  # "why does it take credits first?", "can I choose which one pays?"
    return matches(text, r"\b(deduct|deducted|deduction|charged first|which (balance|one) (is )?(used|charged)|(?<![-\w])(?<!first )"
                         r"(?<!an )(?<!my )(?<!their )(?<!his )(?<!her )(?<!the )order)\b",
                   "扣款顺序", "扣费顺序", "扣除顺序", "先扣", "优先扣", "哪个先") and matches(
        text, r"\b(credits?|balance|card|paypal|fee|fees|renewal|subscription)\b", "积分", "余额", "信用卡", "银行卡", "费用",
        "续费", "订阅")


# In the referral group too: "is the renewal paid from my referral credits or my balance first?" is the referral
# family's question (it names inviting friends) that only the fee order answers.
@register("fee_order", When(100, fee_order_asked), When(13, fee_order_asked, group="referral"),
          facts=("sub.fee_order", "sub.fee_order_cash", "sub.fee_order_card", "sub.card_minimum", "ref.minimum",
                 "models.lite_glm5_api"))
def fee_order(r: Reply, p: Parsed) -> str:
    api = ""
    if re.search(r"general api|通用\s*api|通用接口|/api/paas/v4", p.text) or "lite" in plans_of(p) and p.slots.glm5:
        # GLM-5 called on the general API (a Lite subscriber's path): the FAQ's own order for those calls first
        r.fact("models.lite_glm5_api")
        api = ("FAQ 说，Lite 用户通过通用 API 调用 GLM-5 时，扣费顺序是先扣 Platform Credits（平台积分），再扣账户余额"
               "（“[Platform Credits - Account Balance]”）；文档没有写可以改变这个顺序。" if p.language == "zh" else
               "The FAQ says GLM-5 calls on the general API (a Lite subscriber's way to use it) are deducted from Platform "
               "Credits first, then the account balance (\"[Platform Credits - Account Balance]\"); the docs don't say the "
               "order can be changed.")
        if not re.search(r"renew\w*|subscription|续费|订阅", p.text):
            return api
    r.fact("sub.fee_order")
    r.fact("sub.fee_order_cash")
    r.fact("sub.fee_order_card")
    r.fact("sub.card_minimum")
    least = r.fact("ref.minimum")
    lead = api + "\n" if api else ""
    if p.language == "zh":
        return (lead + "费用按以下顺序扣除：1) 先用积分（credits）余额；2) 不足时用现金余额（cash balance）；3) 仍不足的部分从绑定的支付方式"
                "（银行卡或 PayPal）扣款。银行卡扣款有"
                "一笔较小的最低金额（不足时向上取整），FAQ 没有写出金额；邀请活动规则写明使用折扣和积分后的最终应付金额至少为 "
                f"{money(least)}（Stripe 的要求）。")
    return (lead + "Fees are deducted in this order (FAQ): 1) your credits balance is used first; 2) if insufficient, your cash "
            "balance; 3) if still insufficient, the remaining amount is charged to your linked payment method (bank "
            "card or PayPal). A card charge has a small minimum (rounded up if less); the FAQ "
            f"gives no figure, and the referral campaign rules say the amount payable after discounts and credits must be "
            f"at least {money(least)} (Stripe's requirement).")


def card_minimum_asked(text: str, s: Slots) -> bool:
    return ((matches(text, r"\bminimum\b", "最低", "最少") or matches(
        # "my credits covered it but the card was charged a few cents extra": the minimum card charge, rounded up
        text, r"\bcredits?\b", "积分", "赠金") and matches(text, r"\bcents?\b|\b(more|extra) than\b|\bround\w*\b|\bcharged \d|"
                                                        r"\b0\.\d\d\b", "几毛", "几分钱", r"比.{0,6}(多|差额)")
    ) and matches(text, r"\bcard\b", "信用卡", "银行卡", "刷卡")) or matches(
        # "credits 抵完了为啥还要付 0.5 刀": a remainder charged after the credits is the card's minimum
        text, r"(credits?|积分|赠金).{0,12}(抵完|用完|抵扣完).{0,12}(还要|还得|又|还)(付|扣|交)")


@register("card_minimum", When(110, card_minimum_asked), facts=("sub.card_minimum", "ref.minimum"))
def card_minimum(r: Reply, p: Parsed) -> str:
    r.fact("sub.card_minimum")
    least = r.fact("ref.minimum")  # the campaign rules' figure for what is left to pay after discounts and credits
    if p.language == "zh":
        return (f"FAQ 说信用卡扣款有一笔较小的最低金额，不足时会向上取整扣款；邀请活动规则写明，由于支付服务商（Stripe）的要求，使用所有"
                f"折扣和积分后的最终应付金额至少为 {money(least)}。FAQ 本身没有写出卡扣款的最低金额，具体以结算页面为准。")
    return ("The FAQ says a small minimum applies when charging a credit card and a smaller remainder is rounded up to it; "
            f"the referral campaign rules say that, as the payment processor (Stripe) requires, the final amount payable "
            f"after all discounts and credits must be at least {money(least)}. The FAQ itself gives no figure for the "
            "card minimum; the checkout page shows the amount.")


# Another person, as subscribers name them: the one list every sharing pattern below reads.
HOUSEHOLD_AND_PEERS = (r"teammates?|colleagues?|coworkers?|wife|husband|partner|brother|sister|son|daughter|kids?|family|"
                       r"roommates?|flatmates?")
OTHER_PERSON = rf"{HOUSEHOLD_AND_PEERS}|students|classmates"  # a class is a group: the no-team-plan answer, not one lender's
# (and a number of people: "一个账号的 key 分给三个人", "我们 3 个人合买")
OTHER_PERSON_ZH = r"同事|朋友|室友|家人|别人|其他人|弟弟|哥哥|妹妹|姐姐|老婆|老公|孩子|父母|学生|同学|(?<![\d])[2-9二两三四五六七八九几]\s*个人"
# a key, account or plan borrowed or lent ("my coworker wants to borrow my API key"), not a laptop or some code
LENDING = (r"\b(borrow\w*|lend\w*|loan\w*) (me |him |her |them )?(my |our |the |his |her |your )?([\w.-]+ ){0,2}(api key|key|account|"
           r"plan|subscription|quota)s?\b")
PEOPLE = (rf"\b(team|teams|friends?|developers|devs|engineers|people|users|\d+ of us|between us|{OTHER_PERSON})\b|"
          rf"{OTHER_PERSON_ZH}")


def sharing_asked(text: str, s: Slots) -> bool:
    people = re.search(PEOPLE, text)
    if not people and re.search(r"\bapi keys?\b|\b(devices?|computers?|machines?|laptops?|pcs?)\b|电脑|设备|机器", text):
        return False  # several keys of one's own, or one person on two machines: nobody else
    if not people and sum(tool in text for tool in SUPPORTED_TOOL_NAMES) >= 2:
        return False  # "the same plan in Cline and Claude Code": the tools' shared quota, no other person
    if re.search(rf"\b(can|may|could) my (friend|{OTHER_PERSON})\b.{{0,30}}\buse\b|(分给|给|让|借给).{{0,4}}({OTHER_PERSON_ZH}).{{0,4}}"
                 r"(用|使用)", text):
        return True
    text = re.sub(r"\b(hi|hello|hey|dear|thanks|thank you)[,!]? (z\.?ai |support |dev |glm )?team\b", " ", text)  # a greeting
    # a team that asks ("our compliance team asks: ...", "法务部门问") is who wants to know, not who shares
    text = re.sub(r"\b(compliance|legal|security|privacy|finance|procurement|it|audit|infosec) (team|department|dept|people)\b|"
                  r"\bteam (asks|asked|wants to know|wonders|needs to know)\b|(合规|法务|安全|财务|采购|IT)(部门|团队)", " ", text)
    # a session, link or screen shared with someone ("I shared an opencode session with /share") shares no plan
    text = re.sub(r"/share\b|\bshar\w* (an? |my |the |this |that |our )?([\w-]+ )?(sessions?|links?|conversations?|chats?|"
                  r"screens?|urls?|snippets?|transcripts?|logs?|threads?)\b|(分享|共享)(了)?(一个|这个)?(会话|链接|对话|屏幕)", " ", text)
    return matches(text, rf"\b({OTHER_PERSON})\b.{{0,30}}\b(use|uses|using|share|access)\b|{LENDING}|\btransfer\w* (my |the |a )?(plan|"
                         r"subscription)\b|\b(plan|subscription)\b.{0,20}\bto (another|a different|someone else'?s?) (account|person|"
                         r"user)\b", r"(套餐|订阅|包年|包月|包季).{0,10}(转让|转移|过户)",
                         r"\b(move|transfer|migrate|switch)\w*\b.{0,60}\b(plan|subscription)\b.{0,40}\b(to|onto|into) (the|a|my|our) "
                         r"((new|other|work|company|different|second|business|team) ){1,2}account\b",
                         r"(套餐|订阅).{0,12}(转|迁|移)(到|至)?(新|另一个|公司|工作)的?(账号|账户)") or matches(
        text, r"\b(teams?|seats?|(multiple|several|many|two|three|\d+) (people|users|developers|devs|engineers|"
              r"persons)|share (my|the|a|one|1|it|an|our) ?(plan|subscription|account|key)?|coworkers?|colleagues?)\b|"
              # "a 5-dev agency ... so everyone's Claude Code uses it"
              r"\b\d+-(dev|developer|person|people|engineer)s?\b|\beveryone'?s (claude|cline|opencode|tools?|editors?|"
              r"machines?|laptops?|setup|key)\b",
        "团队", "多人", "共享", "合租", "合用", "合买", "共用", "轮流用", "借给", rf"({OTHER_PERSON_ZH}).{{0,4}}(想|要|能|可以)?(用|使用)(我的)",
        rf"(给|和|跟|与)({OTHER_PERSON_ZH}).{{0,8}}(一起)?(用|使用)", rf"({OTHER_PERSON_ZH}).{{0,6}}(一起|共同|轮流)(用|使用)") and matches(
        text, r"\b(plan|subscription|account|cost|price|share|use)\b", LENDING, "套餐", "订阅", "账号", "账户", "共享", "合用", "合买",
        "共用", "轮流用", "借给") and not (
        # "多个工具是共享一个额度吗？": tools sharing one quota, no people: shared_quota's question, not a team plan
        matches(text, r"(多个|所有|不同|各个|每个|几个)(编程|编码)?工具|工具.{0,8}(共享|共用)")
        and not matches(text, "团队", "多人", "合租", "同事", "别人", "朋友"))


def data_use_asked(text: str, s: Slots) -> bool:
    """"Does z.ai train on my code?", "do they store my prompts?", "代码会被拿去训练吗": what happens to what they send.
    Training or fine-tuning a model of their own is not this question."""
    theirs = r"(my|our|user|users'?|customers?'?|your|the)\s+(own\s+)?(code|codebase|data|prompts?|conversations?|chats?|inputs?|repos?\w*|content|files)"
    # Z.ai (or "you", "they") keeping or using it; "can Claude Code read my files?" is a tool how-to
    provider = r"\b(z\.?ai|zhipu|you|they|glm|the (service|provider|company|platform))\b"
    return (matches(text, rf"\btrain\w*\b.{{0,40}}\b{theirs}\b|\b{theirs}\b.{{0,60}}\btrain\w*\b|"
                          rf"{provider}.{{0,20}}\b(store|stores|stored|keep|keeps|kept|retain\w*|log|logs|logged|save|saves|"
                          rf"saved|collect\w*|share|shares|sell|sells)\s+{theirs}\b|"
                          r"\bdata (retention|privacy|usage policy)\b|"
                          # "do you know if z.ai use your prompts to improve their models?"
                          rf"{provider}.{{0,20}}\b(use|uses|using|used)\s+{theirs}\b.{{0,30}}\b(improv|develop)\w*",
                    r"(代码|数据|提示词|对话|输入).{0,12}(训练|留存|收集|泄露)", r"(训练|收集).{0,8}(我的|用户的?)?(代码|数据|提示词|对话)",
                    r"(用|拿).{0,4}(我的|我们的|用户的?)(代码|数据|提示词|对话).{0,8}(改进|优化|训练)",
                    r"(智谱|z\.?ai|你们|平台).{0,8}(存储|保存|留存|收集).{0,8}(代码|数据|提示词|对话)", "隐私", "数据安全",
                    # "公司代码会不会被 z.ai 存下来", "will my code be stored?": what is kept, said of the thing sent
                    r"(代码|数据|提示词|prompt|对话|输入|内容|片段).{0,12}被.{0,4}(你们|z\.?ai|智谱|平台|服务器|服务端|官方)?"
                    r"\s*(存下来|存起来|保存下来|留存|收集)",
                    rf"\b{theirs}\b.{{0,20}}\b(be|being|get|gets|is|are)\s+(stored|kept|logged|retained|saved)\b")
            and not matches(text, r"\b(fine-?tun\w*|train (a|my|our|your own) (own )?model)\b", "微调"))


def data_location_asked(text: str, s: Slots) -> bool:
    """"Where are your services hosted?", "which legal entity is the controller?", "数据主要在哪个国家处理？运营主体是哪家公司？":
    the privacy policy's Singapore and its controller."""
    # (where a key or a settings file is kept, what a quota is based on, whose model GLM is: not this)
    return matches(text, r"\bwhere\b.{0,30}\b(your|z\.?ai'?s?|the) (services?|servers?|data cent(er|re)s?|infrastructure)\b.{0,20}"
                         r"\b(hosted|located|based|run)\b|\bwhere (are|is) (you|z\.?ai|your (services?|servers?|company)) (hosted|located|"
                         r"based)\b|\bwhere\b.{0,30}\b(my|our|user|customer|personal) data\b.{0,20}\b(processed|stored|hosted|kept)\b|"
                         r"\b(which|what) (country|region|jurisdiction)\b.{0,40}\b(data|servers?|services?|hosted|processed)\b|"
                         r"\b(legal entity|data controller|controller of (my|our|the) (personal )?data|operating entity|"
                         r"registered (address|office))\b",
                   r"(哪个|哪些|什么)(国家|地区).{0,8}(处理|存储|托管|服务器)|(处理|存储|托管|服务器).{0,12}(哪个|哪些|什么)(国家|地区)",
                   "数据出境", "运营主体", r"(你们|平台|z\.?ai|智谱)的?服务器在哪",
                   r"(服务|服务器|数据中心|机房)(是)?(在|位于|放在|部署在)哪(个|些)?(国家|地区|里)", r"数据.{0,6}(存在哪|在哪(里)?(处理|存储))") or \
        transfer_asked(text)


# "can data I send be transferred or processed outside the country where I live?", "数据会不会出境"
TRANSFER = (r"\b(data|code|prompts?|content)\b.{0,40}\b(transferr?\w*|processed|stored|sent|moved)\b.{0,20}\b(outside|abroad|"
            r"overseas|out of (the|my) country|across borders?)\b|\bcross[- ]border (data|transfers?)\b",
            r"(数据|代码|内容).{0,12}(传|转|发送|存储|处理)(到|至|在)?.{0,4}(境外|海外|国外)", "数据出境", "跨境传输")


def transfer_asked(text: str, s: Slots | None = None) -> bool:
    return matches(text, *TRANSFER)


def location_lines(r: Reply, zh: bool, transfer: bool = False) -> str:
    r.fact("privacy.location")
    company = r.fact("privacy.controller")
    abroad = ""
    if transfer:  # "can it be processed outside my country?": the policy's own yes, with where to
        r.fact("privacy.transfer")
        abroad = (" 它还说，视你所在地和使用的功能，个人数据“may be transferred and processed outside the jurisdiction in which "
                  "you reside”（可能被传输到你居住地以外处理），包括传给 Z.ai 集团内的关联公司或位于海外的第三方。" if zh else
                  " It also says that, depending on your location and the features you use, \"your personal data may be "
                  "transferred and processed outside the jurisdiction in which you reside, including to an affiliated company "
                  "within the Z.ai Group or a third party ... located overseas.\"")
    if zh:
        return (f"隐私政策说：服务一般从新加坡（Singapore）提供，个人数据一般在新加坡处理；服务由 {company}（注册地址在新加坡）提供和"
                "控制，它是个人数据的控制者（controller）。" + abroad)
    return (f"The privacy policy: \"We generally provide the Services from Singapore\" and \"your personal data is generally "
            f"processed in Singapore\"; the Services are provided and controlled by {company} (registered in Singapore), the "
            "controller of your personal data." + abroad)


@register("data_location", When(154, data_location_asked), facts=("privacy.location", "privacy.controller",
                                                                 "privacy.transfer"))
def data_location(r: Reply, p: Parsed) -> str:
    return location_lines(r, p.language == "zh", transfer_asked(p.text))


@register("data_use", When(152, data_use_asked), facts=("privacy.not_stored", "privacy.user_content", "privacy.improve",
                                                         "privacy.public_training", "privacy.location", "privacy.controller",
                                                         "privacy.transfer"))
def data_use(r: Reply, p: Parsed) -> str:
    if data_location_asked(p.text, p.slots):  # "do you store our code, and where are you hosted?": both
        where = location_lines(r, p.language == "zh", transfer_asked(p.text))
        gap = "" if p.language == "zh" else " "
        # in the order asked: "服务在哪个国家？prompt 会不会被存下来？" gets Singapore first
        first = next((sentence for sentence in re.split(r"(?<=[?？。!！])\s*|(?<=\.)\s+", p.text)
                      if data_location_asked(sentence, p.slots) or data_use_asked(sentence, p.slots)), "")
        if data_location_asked(first, p.slots) and not data_use_asked(first, p.slots):
            return where + gap + data_use_text(r, p)
        return data_use_text(r, p) + gap + where
    return data_use_text(r, p)


def data_use_text(r: Reply, p: Parsed) -> str:
    r.fact("privacy.user_content")
    kinds = r.fact("privacy.improve")
    r.fact("privacy.public_training")
    r.fact("privacy.not_stored")
    if p.language == "zh":
        return ("产品概览页说：“We do not store any of the content you provide or generate while using our Services”（不存储你"
                "提供或生成的任何内容，包括文本提示、图片等输入数据）。"
                "隐私政策没有直接说明你的代码或提示词是否会被用于训练模型。它的说法是：你输入的文本提示、图片等数据（User "
                f"Content）会被实时处理以提供服务；用于“改进和开发服务、开展研究”的数据列表（共 {len(kinds)} 类：账户信息、通信信息、"
                "从其他来源获得的数据、日志信息、使用信息、设备和网络信息、Cookie 等）中没有 User Content；模型训练使用的是可从互联网"
                "获取的公开信息。具体情况请咨询 Z.ai 客服。")
    return ("The overview says: \"We do not store any of the content you provide or generate while using our Services. "
            "This includes any text prompts, images, or other data you input.\" "
            "The privacy policy doesn't say in so many words whether your code or prompts train the models. What it "
            "says: the text prompts, images and other data you input (User Content) are processed in real time to provide "
            "the Service; the data it lists for improving and developing the Services and research is "
            + ", ".join(kinds[:-1]) + f" and {kinds[-1]}, not User Content; and it may use publicly available "
            "information from the Internet to train its models. For anything more definite, ask Z.ai support.")


# What happens if a plan shared is found out: "真被查到会怎样", "will we get banned?", "what happens if they catch us?"
CONSEQUENCE = re.compile(r"\bwhat (happens|would happen|will happen|could happen)\b|\b(get|be|am i|are we|will (i|we) be) "
                         r"(banned|suspended|caught|flagged|punished)\b|\bpenalt\w*|\bconsequences?\b|会怎样|会怎么样|查到|封号|被封|"
                         r"处罚|惩罚|后果", re.I)


# The subscription terms' measures (facts terms.violation and terms.measures), in the words every answer gives them
TERMS_MEASURES = {
    "en": "The subscription terms say a violation \"may result in the suspension or termination of services, and paid fees "
          "will not be refunded\", and that if Z.ai reasonably suspects account sharing, bulk or automated usage on "
          "behalf of others or resale of access, it may restrict features, reduce or limit your quota, suspend or "
          "terminate the service or reclaim remaining quota.",
    "zh": "订阅条款说，违反协议“may result in the suspension or termination of services, and paid fees will not be "
          "refunded”（可能导致服务被暂停或终止，已付费用不予退还）；如果 Z.ai 有理由怀疑账号共享、代他人批量或自动化使用、"
          "转售访问权限，可以限制部分功能、降低或限制额度、暂停或终止服务、收回剩余额度。"}


def _consequences(r: Reply, p: Parsed) -> str:
    """The subscription terms' measures, said when the question asks what happens to a plan shared."""
    if not CONSEQUENCE.search(p.text):
        return ""
    r.fact("terms.violation")
    r.fact("terms.measures")
    return TERMS_MEASURES["zh"] if p.language == "zh" else " " + TERMS_MEASURES["en"]


@register("personal_plan", When(150, sharing_asked),
          facts=("sub.personal", "sub.no_transfer", "terms.violation", "terms.measures"))
def personal_plan(r: Reply, p: Parsed) -> str:
    r.fact("sub.personal")
    if re.search(rf"\b(friends?|someone else|{HOUSEHOLD_AND_PEERS})\b.{{0,30}}\b(use|uses|using|share|access)\b|{LENDING}|"
                 r"\b(use|share|access)\b.{0,30}\b(teammates?|colleagues?|coworkers?|friends?)\b|"
                 rf"({OTHER_PERSON_ZH}).{{0,6}}(用|使用|共用)|合用|轮流用|借给|分给",
                 p.text) and not re.search(r"\b(teams|team (plan|subscription|account)|seats?|per[- ]seat|buy|purchase|another plan|transfer\w*)\b|团队|多人|"
                                           r"转让|转移|过户", p.text):
        r.fact("sub.no_transfer")  # letting another person use it: the terms' own words
        if p.language == "zh":
            return ("不可以：订阅条款规定，不得共享你的账号或订阅，也不得让任何其他人（包括同事、朋友、客户或任何组织）以共享凭据、"
                    "出租、出借、转让等任何方式使用你的 GLM Coding Plan 额度；订阅绑定一个账号，只授权给该账号的个人使用。"
                    + _consequences(r, p))
        return ("No: the subscription terms say \"You shall not share your account or subscription, or allow any other "
                "person (including but not limited to your colleagues, friends, customers or any organization) to use your "
                "GLM Coding Plan quota\"; a subscription is tied to a single account and licensed only to its owner."
                + _consequences(r, p))
    if re.search(r"\btransfer|转让|转移|过户", p.text):
        r.fact("sub.no_transfer")
        if p.language == "zh":
            return ("不能转让：GLM Coding Plan 订阅绑定一个账号，只授权给该账号的个人使用；订阅条款禁止以共享凭据、出租、出借、转让、"
                    "再许可等任何方式让他人使用你的套餐额度。账号变更等具体情况请联系 Z.ai 客服。")
        return ("No: a GLM Coding Plan subscription is tied to a single account and licensed only to its owner, and the "
                "subscription terms forbid letting anyone else use its quota by sharing, renting, lending, transferring "
                "or sublicensing. For a change to your own account, ask Z.ai support.")
    if p.language == "zh":
        return ("文档没有提到团队版或按席位计费的套餐：GLM Coding Plan 订阅绑定一个账号，只授权给购买它的个人使用，不能与团队"
                "共享。企业或 API 方案请咨询 Z.ai 客服。")
    return ("The docs don't mention a team or per-seat plan: a GLM Coding Plan subscription is tied to one account and "
            "licensed only to the individual person who owns it, so it cannot be shared with a team. Ask Z.ai "
            "support about business or API options.")


def first_purchase_deal_asked(text: str, s: Slots) -> bool:
    """A first-purchase discount for the subscriber themself; a friend's discount is the referral group's."""
    return matches(text, r"\b(discount|deal|promo\w*|offer|coupon|sale|cheaper)\b", "优惠", "折扣") and matches(
        text, r"\b(first|new (user|customer|subscriber)|when i (buy|subscribe)|sign ?up)\b", "首次", "首单", "新用户") and not matches(
        text, r"\b(renew\w*|auto[\s-]?renew\w*|next month|subsequent|again)\b", "续费", "续订", "下个月")


@register("first_purchase_deal", When(275, first_purchase_deal_asked),
          facts=("price.first_purchase_deal", "price.from_lite", "price.from_pro", "price.lite_monthly",
                 "price.pro_monthly"))
def first_purchase_deal(r: Reply, p: Parsed) -> str:
    pct = r.fact("price.first_purchase_deal")
    lite, pro = r.fact("price.lite_monthly"), r.fact("price.pro_monthly")
    from_lite, from_pro = r.fact("price.from_lite"), r.fact("price.from_pro")
    if re.search(r"\bwhen (does|will|is|do)\b.{0,40}\b(end|ends|expire|expires|over|finish|stop)\b|\buntil when\b|"
                 r"\bhow long (is|will|does)\b.{0,30}\b(last|run|valid|on)\b|\bdeadline\b|截止|到什么时候|什么时候结束|"
                 r"持续到|有效期", p.text):
        # "when does the deal end?": the docs give no end date
        if p.language == "zh":
            return (f"产品概览页写的是首次购买 GLM Coding Plan 立减 {pct}%，文档没有写明这个优惠什么时候结束；当前优惠以订阅页面为准："
                    f"{SUBSCRIBE_PAGE}")
        return (f"The overview offers {pct}% off your first GLM Coding Plan purchase; the docs don't state when the "
                f"offer ends: the subscription page shows the current offer, {SUBSCRIBE_PAGE}.")
    if re.search(r"\b(still|currently|right now|now|anymore|today|ended|over|expired?)\b|还有|现在|目前|结束", p.text):
        # whether an offer is still on today is the subscription page's to say, not a page dated weeks ago
        if p.language == "zh":
            return (f"产品概览页（截至其更新日期）写的是首次购买 GLM Coding Plan 立减 {pct}%；文档无法确认它现在是否仍然有效，"
                    f"请以订阅页面为准：{SUBSCRIBE_PAGE}")
        return (f"The overview (as of its last update) offers {pct}% off your first GLM Coding Plan purchase; the docs can't "
                f"say whether it is still on today: the subscription page shows the current offer, {SUBSCRIBE_PAGE}.")
    if p.language == "zh":
        return (f"有。产品概览页写明首次购买 GLM Coding Plan 立减 {pct}%，这就是“from {from_lite} USD per month”（Lite，"
                f"原价 {money(lite)}）和“from {from_pro} USD per month”（Pro，原价 {money(pro)}）的由来。当前优惠以订阅页面为准："
                f"{SUBSCRIBE_PAGE}")
    return (f"Yes: the overview offers {pct}% off your first GLM Coding Plan purchase, which is where its \"from "
            f"{from_lite} USD per month\" (Lite, list {money(lite)}) and \"from {from_pro} USD per month\" (Pro, list "
            f"{money(pro)}) come from. The current offer is shown on the subscription page, https://z.ai/subscribe.")


OTHER_PAYMENT = r"\b(alipay|wechat ?pay|apple pay|google pay|crypto\w*|usdt|bank transfer|wire transfer|union ?pay)\b|支付宝|微信支付|银联|" \
                r"对公转账|银行转账|银行汇款"


def billing_asked(text: str, s: Slots) -> bool:
    """Invoices, receipts, billing history, how to pay: the overview's billing pages and the FAQ's payment methods."""
    return matches(text, r"\b(charged|charge|pay|paying|included?|add(ed)?|any)\b.{0,30}\btax(es)?\b|\btax(es)?\b.{0,30}\b(included|"
                         r"charged|on (the|my) (subscription|plan|order))\b", "税费", "含税", "交税") or matches(
        text, r"\b(invoices?|receipts?|vat|sales tax|gst|billing (history|details|page)|payment methods?|pay (with|by|via|using)|"
                         r"paypal|(change|update|replace|remove)\w* (my |the )?(credit |debit |bank )?(card|payment))\b",
                   OTHER_PAYMENT, "发票", "收据", "账单", "付款方式", "支付方式", "怎么付款", "用什么支付", r"(换|更换|修改).{0,4}(卡|银行卡|信用卡)")


@register("billing_pages", When(112, billing_asked),
          facts=("billing.history", "billing.payment_method", "billing.subscription", "sub.fee_order_card", "sub.taxes"))
def billing_pages(r: Reply, p: Parsed) -> str:
    zh = p.language == "zh"
    if re.search(r"\b(tax|taxes|sales tax|gst)\b|税", p.text) and not re.search(r"\b(invoices?|receipts?)\b|发票|收据", p.text):
        r.fact("sub.taxes")  # "am I charged VAT?": the terms' own words, no rate
        if zh:
            return ("订阅条款写的是：你授权对你的支付方式收取相应费用及任何税费（“the applicable fees and any taxes”）；文档没有写明"
                    "税率或哪些地区收税，具体请在结算页面查看或咨询 Z.ai 客服。")
        return ("The subscription terms say you authorize Z.ai to charge your payment method \"for the applicable fees and "
                "any taxes\"; the docs don't state a tax rate or where tax applies: the checkout page or Z.ai support can "
                "tell you for your country.")
    history = r.fact("billing.history")
    if re.search(r"\b(invoices?|receipts?|vat)\b|发票|收据", p.text):
        r.fact("billing.subscription")
        if zh:
            return (f"文档只写了在哪里查看账单：Billing → Billing History（{history}），订阅在 Subscription 页面管理"
                    f"（{r.facts.value('billing.subscription')}）；没有提到开具发票（例如带税号的发票），请联系 Z.ai 客服。")
        return (f"The docs only say where your billing history is: Billing → Billing History ({history}); your "
                f"subscription is managed on the Subscription page ({r.facts.value('billing.subscription')}). The docs don't "
                "mention issuing invoices (for example with a company name or VAT number): ask Z.ai support.")
    if re.search(r"\b(billing (history|details|page)|transactions?|past (charges|payments))\b|账单", p.text):
        if zh:
            return f"在 Billing → Billing History 查看账单记录：{history}"
        return f"Your billing history is under Billing → Billing History: {history}"
    page = r.fact("billing.payment_method")
    r.fact("sub.fee_order_card")
    other = re.search(OTHER_PAYMENT, p.text)
    if zh:
        return (f"支付方式在右上角头像 → Payment Method（{page}）管理；FAQ 提到的绑定支付方式是银行卡或 PayPal（先扣积分和现金余额）。"
                + (f"文档没有提到{other.group(0)}等其他支付方式，能否使用请以结算页面为准。" if other else ""))
    return (f"Payment methods are managed under your profile icon → Payment Method ({page}); the FAQ names a bank card "
            "or PayPal as the linked payment method (credits and cash balance are used first)."
            + (f" The docs list no other way to pay, such as {other.group(0).title()}: the checkout page shows what it accepts."
               if other else ""))


def balance_unchanged_told(text: str, s: Slots) -> bool:
    """"Ran 2M tokens on the API, my balance still shows $50.00", "余额一分没少", "billing history has nothing for today":
    the help center's note on the billing system's delay."""
    if matches(text, r"\berror\b|\b1\d{3}\b|\bquota\b", "报错", "错误", "额度"):
        return False  # a balance shown with an error code is that error's case; beside the plan's quota, the quota's
    return matches(text, r"\bbalance\b(?:(?!\band\b|\bbut\b)[^.?!\n,;]){0,25}\b(still (shows|is|at|says)|(has ?n[o']t|did ?n[o']t|does ?n[o']t|not|never) "
                         r"(moved?|changed?|go(ne)? down|decreas\w*|dropp\w*|been (deducted|charged))|unchanged|the same|not moving|"
                         r"stays?)\b|\b(billing|usage) (history|details?|records?)\b[^.?!\n]{0,40}\b(no|missing|nothing|empty|"
                         r"doesn'?t show|not show\w*)\b",
                   r"余额.{0,12}(没变|没少|没扣|一分没少|没有变化|没动|还是|不变)", r"(账单|明细|记录).{0,12}(没有|看不到|没显示|空)") and matches(
        text, r"\b(api|tokens?|calls?|usage|used|requests?|script|billing)\b", "调用", "token", "用了", "跑了", "账单", "明细")


@register("billing_delay", When(13, balance_unchanged_told), facts=("billing.delay", "billing.previous_day"))
def billing_delay(r: Reply, p: Parsed) -> str:
    r.fact("billing.delay")
    r.fact("billing.previous_day")
    if p.language == "zh":
        return ("帮助中心 FAQ 说：计费系统目前有处理延迟，调用 API 后看到账户余额没变，不必太担心；账单记录按日统计，显示的是前一天"
                "（n-1）的计费状态。")
    return ("The help center FAQ: \"there is currently a processing delay in our billing system. You do not need to worry too "
            "much if you see your account balance kept the same after using api port\"; the billing history shows daily "
            "records, so it displays the status from the previous day (n-1).")


def above_price_told(text: str, s: Slots) -> bool:
    """"The plan is $30. My bank statement says Z.AI $32.70": a charge a little above the listed price (within a
    third of it) is what the terms' "fees and any taxes" speak of; a double charge or an upgrade is not."""
    # the amount as a statement writes it: "$32.70", "32.70 USD", "36.00" (cents say it is money)
    charged = re.search(r"\b(statement|charged|billed|charge|bank|card|receipt|shows? up as|says)\b[^?!\n]{0,40}?"
                        r"(?:\$\s?(?P<a>\d+(?:\.\d+)?)|(?P<b>\d+(?:\.\d+)?)\s?(?:usd|dollars?)\b|(?P<c>\d+\.\d\d)\b)|"
                        r"(扣款|扣了|账单)[^。？！\n]{0,20}?\$?\s?(?P<d>\d+(?:\.\d+)?)", text)
    amount = float(next(v for v in charged.group("a", "b", "c", "d") if v)) if charged else None
    if amount is None:
        return False
    amounts = sorted(set(s.money) | {amount})
    if len(amounts) < 2 or amount != amounts[-1]:
        return False  # the amount charged is the larger one: a deal's lower price is no tax
    return amounts[0] > 0 and amounts[-1] / amounts[0] <= 1.34 and matches(
        text, r"\b(statement|charged|billed|charge|bank|card|receipt|shows? up as|says)\b", "扣款", "扣了", "账单") and matches(
        text, r"\b(price|pricing|plan is|costs?|listed|is \$)\b", "价格", "标价", "原价") and not matches(
        text, r"\b(upgrad\w*|twice|double\w*|two charges|refund\w*|credits?|discount\w*|invite\w*|referral|deal|promo\w*|"
              r"first[- ]purchase|off|second|another charge)\b", "升级", "两次", "重复", "退款", "邀请", "折扣", "优惠")


@register("above_price", When(14, above_price_told), facts=("sub.taxes", "billing.history"))
def above_price(r: Reply, p: Parsed) -> str:
    r.fact("sub.taxes")
    history = r.fact("billing.history")
    if p.language == "zh":
        return ("订阅条款写的是：你授权对你的支付方式收取相应费用及任何税费（“the applicable fees and any taxes”）。文档没有写明税率"
                f"或其他费用，所以这笔金额由哪些部分组成，请在 Billing → Billing History（{history}）查看，或请 Z.ai 客服核对。")
    return ("The subscription terms say you authorize Z.ai to charge your payment method \"for the applicable fees and "
            "any taxes\". The docs don't state a tax rate or any other charge, so what makes up your amount is for "
            f"Billing → Billing History ({history}) to show, or for Z.ai support to check.")


def recharge_asked(text: str, s: Slots) -> bool:
    """"Balance is $0, getting 1113. Where do I top up?", "余额怎么充值": where the account balance is recharged (the
    pay-as-you-go API's money), not more plan quota."""
    return matches(text, r"\b(where|how)\b[^.?!\n]{0,30}\b(recharge|top[- ]?up|add (funds|money|credit|balance))\b|"
                         r"\brecharg\w*\b[^.?!\n]{0,30}\b(where|how)\b", r"(在哪|哪里|怎么|如何)[^。？?]{0,6}充值|充值[^。？?]{0,6}(在哪|哪里|入口)") and (
        matches(text, r"\b(balance|1113|arrears|pay[- ]as[- ]you[- ]go|general (api|endpoint))\b", "余额", "欠费")) \
        and not matches(text, r"\b(prompts?|quota|more (searches|calls)|renew\w*)\b|\b(recharg\w*|top[- ]?up) (my |the )?(lite |"
                              r"pro |max )?(plan|subscription)\b", "额度", "次数", "续费", "套餐到期")


@register("recharge", When(23, recharge_asked), facts=("billing.recharge",))
def recharge(r: Reply, p: Parsed) -> str:
    page = r.fact("billing.recharge")
    if p.language == "zh":
        return f"帮助中心说：在账单页面充值：{page}（充的是账户余额，按量付费的通用 API 从余额扣费）。"
    return f"The help center: \"You can recharge from the billing page\": {page}. That tops up your account balance, which pay-as-you-go API calls are billed to."


def currency_asked(text: str, s: Slots) -> bool:
    """"Is the price in USD or can I pay in RMB?": the currency prices are in, not an amount to convert."""
    # a choice of currency ("USD or RMB?", "pay in euros", "人民币支付"), not a price asked in USD ("how much is Pro in USD?")
    return matches(text, r"\b(currency|currencies|usd|us dollars?|rmb|cny|yuan|euros?|eur|gbp|inr|local currency)\b", "人民币",
                   "美元", "币种", "货币") and matches(
        text, r"\b(pay|paying|charged|billed) (in|with)\b|\bor\b|\b(another|other|local|my) currenc|\bcurrencies\b|\bwhich "
              r"currency\b|\bonly (in )?usd\b", r"(人民币|美元|其他货币).{0,4}(支付|付款|结算)", "币种", "还是") and not matches(
        text, r"\bhow much\b", "多少") and not s.money


@register("currency", When(276, currency_asked), facts=("api.currency", "billing.payment_method", "sub.fee_order_card"))
def currency(r: Reply, p: Parsed) -> str:
    r.fact("api.currency")
    page = r.fact("billing.payment_method")
    r.fact("sub.fee_order_card")
    if p.language == "zh":
        return (f"文档中的价格以美元（USD）计（定价页：“All prices are in USD.”）；没有提到用人民币或其他货币支付。支付方式在 Payment "
                f"Method（{page}）管理，FAQ 提到的是银行卡或 PayPal；结算页面显示实际接受的方式。")
    return (f"The docs give prices in USD (the pricing page: \"All prices are in USD.\") and don't mention paying in "
            f"another currency. Payment methods are managed under Payment Method ({page}); the FAQ names a bank card or "
            "PayPal, and the checkout page shows what it accepts.")


def expiry_asked(text: str, s: Slots) -> bool:
    """"What happens when my subscription expires?", "套餐过期了还能用吗": the 1309 error, and renewing."""
    # what happens then, not where to see the date ("where can I see when my plan expires?") or a rollover
    return matches(text, r"\bwhat happens\b.{0,40}\b(expire[sd]?|expiry|expiration|lapse[sd]?)\b|\b(plan|subscription|package)"
                         r"s?\b.{0,30}\b(expired|has expired|lapsed)\b.{0,40}\b(still|can i|use|access|work)\b|\b(lose|keep) "
                         r"access\b.{0,40}\b(expire[sd]?|expiry)\b|\b(after|when|once) (it|my plan|the plan|my subscription) "
                         r"(expires|has expired|lapses)\b.{0,40}\b(still|can i|use|access|happens)\b",
                   r"(套餐|订阅).{0,6}(过期|到期)(了|后|之后).{0,8}(还能|能不能|能否|可以|怎么办|会怎样)") and not matches(
        text, r"\b(credits?|rewards?|referral|carry over|roll ?over|unused|where|check|see when|date)\b", "积分", "奖励", "哪里",
        "在哪", "查看", "时间") and not matches(text, r"\b(renew\w*|auto[- ]?renew\w*|cancel\w*|upgrad\w*)\b", "续费", "取消",
                                             "升级")


@register("plan_expiry", When(153, expiry_asked), facts=("error.1309",))
def plan_expiry(r: Reply, p: Parsed) -> str:
    message = r.fact("error.1309").split(" [")[0]
    if p.language == "zh":
        return (f"套餐到期后就不能再用套餐额度调用了：请求会返回错误 1309（套餐已过期、暂时不可用，在官网续订后即可恢复使用）；"
                f"续订地址：{SUBSCRIBE_PAGE}。文档没有提到到期后的宽限期。")
    return (f"Once the plan expires it stops serving calls: requests return error 1309 (\"{message}\"), and you can "
            f"resume after renewing at {SUBSCRIBE_PAGE}. The docs mention no grace period.")


def stacking_asked(text: str, s: Slots) -> bool:
    """"Can I buy two Lite plans on one account?", "同一个账号能买两个套餐吗": the docs never say."""
    return matches(text, r"\b(buy|bought|purchase|purchased|subscribe to|get|stack|combine|have)\b.{0,20}\b(two|2|multiple|"
                         r"several|another|a second|more than one)\b.{0,20}\b(plans?|subscriptions?|lite|pro|max)\b",
                   r"(买|订阅|开通)(两|2|多)个.{0,6}(套餐|订阅)|(套餐|订阅).{0,6}(叠加|多买)") and matches(
        text, r"\b(same|one|single) account\b|\b(double|stack\w*|combin\w*|add up|together|more quota)\b",
        "同一个账号", "一个账号", "叠加", "翻倍") and not matches(
        text, r"\b(different|another|other|colleague'?s?|friend'?s?|someone else'?s?) account\b", "别人的账号", "另一个账号")


@register("plan_stacking", When(148, stacking_asked), facts=("sub.personal",))
def plan_stacking(r: Reply, p: Parsed) -> str:
    r.fact("sub.personal")
    if p.language == "zh":
        return ("文档没有说明能否在同一个账号上同时订阅多个套餐、把额度叠加；它只说明一个订阅绑定一个账号，只授权给该账号的个人使用。"
                "要更多额度，文档给出的方式是升级到更高档位；多个订阅的问题请咨询 Z.ai 客服。")
    return ("The docs don't say whether one account can hold several subscriptions or add their quotas together; they "
            "only say a subscription is tied to a single account and licensed to that one person. For more quota they "
            "describe upgrading to a higher tier; for several subscriptions, ask Z.ai support.")


def special_discount_asked(text: str, s: Slots) -> bool:
    """"Is there a student or education discount?": the docs name no discount for any group of people."""
    return matches(text, r"\b(students?|edu(cation\w*)?|academic|universit\w*|teachers?|non-?profits?|ngo|(oss|open[- ]source) "
                         r"(maintainers?|projects?|developers?|contributors?)|maintainers?|military|veterans?)\b.{0,30}\b(discount\w*|"
                         r"pricing|price|plan|offer|deal|coupon|program\w*|sponsor\w*)\b|"
                         r"\b(discount\w*|pricing|offer|deal|coupon|program\w*|sponsor\w*|free (pro|lite|max|plan|tier|subscription))\b"
                         r".{0,30}\b(students?|edu(cation\w*)?|academic|non-?profits?|(oss|open[- ]source) (maintainers?|projects?|"
                         r"developers?)|maintainers?)\b",
                   r"(学生|教育|校园|高校|非营利|开源(项目|作者|维护者|开发者)).{0,6}(优惠|折扣|价|套餐|认证|计划|扶持|免费)") and not matches(
        text, r"\b(referral|invite|shar\w*|zread|repos?|repositor\w*|mcp)\b", "邀请", "共享", "合用", "一起用", "仓库")


@register("special_discount", When(273, special_discount_asked), facts=("price.first_purchase_deal",))
def special_discount(r: Reply, p: Parsed) -> str:
    r.fact("price.first_purchase_deal")  # the one deal the docs describe, for any first purchase: not this one
    if p.language == "zh":
        return ("文档没有提到学生、教育或其他群体的专门优惠；它描述的只有面向所有人的首次购买优惠和邀请好友的奖励。有没有其他优惠，"
                "请咨询 Z.ai 客服；当前价格以订阅页面为准：" + SUBSCRIBE_PAGE)
    return ("The docs don't mention a student, education or other group discount; the only deals they describe are the "
            "first-purchase offer open to everyone and the invite-a-friend rewards. Z.ai support can say whether anything "
            f"else exists; current prices are on {SUBSCRIBE_PAGE}.")


def payment_failed_asked(text: str, s: Slots) -> bool:
    """"My card is declined after the bank's verification page": the help center says 3DS is not supported."""
    if matches(text, r"\b(will|would) (my )?(plan|subscription)\b.{0,20}\b(stop|end|expire|be cancell?ed)\b|\b(charged|billed|"
                     r"taken)\b.{0,20}\b(anyway|twice|still|double)\b|\bmoney was taken\b|\b3ds\b.{0,15}\b(off|disabled|not (on|enabled))\b|"
                     r"\b(not|don'?t) (using|use) 3ds\b|\b(still|already|was|got) (charged|billed)\b", r"(关闭|关了|没开).{0,4}3ds",
               "扣了钱", "重复扣") or refund_asked(text, s):
        return False  # a consequence (plan stops, charged anyway) or a cause they ruled out: not the 3DS note
    return matches(text, r"\b(payment|card|visa|mastercard|checkout|charge|transaction)\b.{0,40}\b(fail\w*|declined|rejected|"
                         r"refused|doesn'?t go through|not go(ing)? through|won'?t go through)\b|\b(declined|rejected)\b.{0,30}"
                         r"\b(card|payment)\b|\b3ds\b|3-?d secure",
                   r"(支付|付款|扣款|信用卡|银行卡).{0,8}(失败|被拒|不成功|不了)") and not matches(
        text, r"\b(paypal|alipay|wechat)\b", "支付宝", "微信")


# Before the upgrade group: "trying to upgrade Lite to Pro, the bank's verification pops up, then payment failed" is about
# the failed payment, whatever it was paying for
@register("payment_failed", When(28, payment_failed_asked), facts=("billing.no_3ds",))
def payment_failed(r: Reply, p: Parsed) -> str:
    r.fact("billing.no_3ds")
    if p.language == "zh":
        return ("帮助中心 FAQ 说：用信用卡支付时请确保没有使用 3DS 验证，平台目前不支持 3DS 验证。如果不是这个原因，文档没有说明其他"
                "支付失败的原因，请联系 Z.ai 客服查看。")
    return ("The help center FAQ says: \"When using a credit card to recharge, please ensure that you are not using 3DS "
            "verification. 3DS verfication is not supported in our platform at this moment.\" If that isn't it, the docs "
            "don't state other reasons a payment fails: Z.ai support can look at yours.")


def trial_asked(text: str, s: Slots) -> bool:
    return matches(text, r"\b(free trial|trial (period|version|plan)|try (it )?(for )?free|trial)\b", r"(?<!测)试用", "免费体验") and not \
        matches(text, r"\b(mcp|web search|searches|vision|reader)\b")


@register("trial", When(274, trial_asked), facts=("price.first_purchase_deal",))
def trial(r: Reply, p: Parsed) -> str:
    pct = r.fact("price.first_purchase_deal")
    if p.language == "zh":
        return f"文档没有提到 GLM Coding Plan 的免费试用；产品概览页提供的是首次购买立减 {pct}%。当前优惠以订阅页面为准：{SUBSCRIBE_PAGE}"
    return (f"The docs don't mention a free trial of the GLM Coding Plan; what the overview offers is {pct}% off your "
            f"first purchase. The current offer is on the subscription page, {SUBSCRIBE_PAGE}.")
