"""The rules layer: exact quota, price, date, referral and troubleshooting answers, computed from corpus/facts.toml.

Runs before retrieval and never calls a model. It reads the analysed message (helpdesk.message), never the raw
text: a number in a pasted log is not a token count, and "prompts" in a pasted config is not a quota question.
A rules answer requires that the ask IS that fact: the intent must come from the sentences that ask something;
a long message that asks nothing (a story, a complaint) gets no rules answer. `answer_rules` returns None for
anything it does not own, so the question falls through to retrieval untouched.

Layout:
- understand.py: question -> normalised text, typed `Slots`, `Parsed`; `intent_of` asks the registry.
- registry.py: `register` / `When` / `group`, the precedence, `first_intent`; one record per intent.
- quota.py, pricing.py, referral.py, tools.py: the intents, each one unit (triggers, facts, handler).
- respond.py: `Reply` (facts cited, calculations), `money` / `number`, `respond` dispatching through the registry.
- facts.py: corpus/facts.toml loaded and checked against the docs; troubleshoot.py: diagnoses of failures.

To add a rules intent, touch one family module (the one whose topic it is; registry.py shows the pattern); to add
or change a fact, corpus/facts.toml (tests/test_facts.py checks its quote against the docs).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Sequence

from helpdesk.message import OTHER_TOOLS, TOOLS, TOPIC_ZH, Message, analyse, documented_words, page_topics, word_count
from helpdesk.rules.facts import Facts, load_facts
from helpdesk.rules.quota import CLAIMED
from helpdesk.rules.registry import all_firing, family_member, fires
from helpdesk.rules.respond import Reply, respond
from helpdesk.rules.troubleshoot import (CHINA_LEAD, HELPER_LIST, MCP_SETUP, MCP_SETUP_ZH, TOOL_SETUP, Diagnosis, diagnose,
                                         tool_setup, writes_chinese)
from helpdesk.rules.understand import COST, OTHER_PRODUCTS, QUOTA, TAKES_EFFECT, Parsed, matches, moved_as_told, resolve
from helpdesk.schema import Answer, Source
from helpdesk.settings import Settings

# An ask this short is read whole (its statements carry the figures: "my friend paid 100 USD. How much do I get?");
# a longer one only through its question sentences, and not at all when it asks nothing (a report, a complaint).
SHORT_ASK_WORDS = 40


# Answers of policy, not of figures: what a question sentence asks for, whatever its story's words trigger.
POLICY_INTENTS = ("refund", "cancel_deadline", "renewal", "downgrade", "personal_plan", "billing_pages", "trial",
                  "price_change", "quota_rollover", "quota_reset", "usage_check", "api_key_where", "supported_tools",
                  "referral_validity", "referral_withdraw", "referral_qualifies", "grandfathering")
# The policies a story that asks nothing of the rules is about: "I switched from Max to Pro on Saturday and still have
# Max" is the downgrade's timing, "the reset timer shows 10 hours" the quota's cycle, "my renewal took my credits" the
# order fees are paid in. Never an upgrade's rules or a price: a story's plan words are no upgrade asked for.
COMPLAINT_INTENTS = ("refund", "downgrade", "cancel_deadline", "renewal", "fee_order", "card_minimum", "plan_expiry", "above_price",
                     "payment_failed", "billing_delay",
                     "referral_window", "referral_qualifies", "referral_issuing", "referral_objection", "grandfathering",
                     "quota_reset", "referral_withdraw", "personal_plan")
# "I'm planning to seek a refund", "我要退款": a refund wished for in a story with no question is the refund policy's
REFUND_WISH = re.compile(r"\b(i|we)('m| am| are|'d| would| will|'ll)? (really |just )?(want\w*|wanna|need|plan\w* to|going to|gonna|"
                         r"seek\w*|request\w*|ask\w* for|demand\w*|apply\w* for|claim\w*|get|deserve)\b.{0,20}\b(a |my |full )?"
                         r"(refund|money back)\b|\bgive me (a refund|my money back)\b|(我|我们).{0,4}(申请退款|要退款|想退款|要退钱|想退钱)",
                         re.I)
# "Web search MCP quota exceeded on Lite after 9 days": a story of a quota used up is about how big that quota is
USED_UP_FIGURES = ("mcp_quota",)
OWN_BY_DEFINITION = ("personal_plan",)  # a story of sharing one's plan is one's own case, however it is told
QUOTA_USED_UP = re.compile(r"\b(quota|limit|allowance|searches)\b[^.?!\n]{0,30}\b(exceeded|used up|ran out|run out|exhausted|"
                           r"reached|maxed out|gone)\b|\b(exceeded|used up|ran out of|run out of|hit|reached|maxed out)\b"
                           r"[^.?!\n]{0,20}\b(quota|limit|allowance)\b|(额度|次数|配额)[^。？！\n]{0,8}(用完|用光|超了|超出|耗尽|没了)",
                           re.I)
DEFERS_TO_TERMS = ("use_scope",)  # "is this use allowed?" when the terms name the use outright: their answer instead
TOOL_INTENTS = ("endpoint", "supported_tools")  # general answers a named tool's page completes
PRICE_INTENTS = ("plan_price", "api_cost", "first_purchase_deal", "api_tool_price", "image_price")
# a figure a story's words may trigger
FIGURE_INTENTS = ("plan_quota", "plan_price", "mcp_quota", "api_cost")
# who uses the plan, told as context ("...Max in Claude Code for 30 devs. What uptime do you guarantee?"): no question
# of sharing when the question names its own subject
WHO_USES = ("personal_plan",)
# An invite's reward is worked out from any payment and percentage told: "I used a friend's 10% invite discount. When
# must I cancel?" asks a policy, not the reward; "...paid $6 with my code. How much credit is that for me?" points back.
STORY_FIGURES = ("referral_reward",)
# when credits arrive, asked of a reward the story's payment works out: "When should they show up?", "多久到账"
CREDITS_WHEN = re.compile(r"\bwhen (should|will|do|does|would|can)\b.{0,30}\b(show up|arrive|appear|land|come|get (them|it|"
                          r"credited|paid)|be (credited|issued|added))|\bhow long\b.{0,30}\b(take|until|before)\b|多久(才)?(到账|到|发放|能到)|"
                          r"什么时候(到账|发放|能到|到)", re.I)
CREDITS_ARRIVAL = ("referral_issuing",)
# A subscriber who says they bought before the February 12 change: the quota they keep, not today's figure
RENEWAL_PRICES = ("plan_price",)  # a list price an early subscriber asks of their renewal: the February 12 rule
RENEWAL_TERMS = ("renewal",)  # a renewal's figure asked by an early subscriber: what they keep
# a figure asked of a renewal (a quota's or price's number, not a date or a span: "renew on the 15th", "in 2 weeks")
RENEWAL_FIGURE = re.compile(r"\b(quota|limits?|prompts?|price|cost)\b|额度|次数|价格|多少钱|\$\s?\d|\d+\s?(usd|dollars?|"
                            r"prompts?|次|刀|美元)|(?<![\d.,])\d{3,}(?![\d.])", re.I)
QUOTA_FIGURES = ("plan_quota", "quota_reset")  # the weekly answer states the February 12 exemption itself
EARLY_SUBSCRIBER = re.compile(
    r"\b(subscribed|bought|purchased|signed up|joined|paid|got (it|the plan|pro|lite|max))\b[^.?!\n]{0,40}\b(in|since|on|"
    r"back in|during) (jan(uary)?|dec(ember)?|nov(ember)?|oct(ober)?|sep(tember)?|2025|early feb(ruary)?)\b|"
    r"\b(subscribed|bought|purchased|signed up|joined|paid)\b[^.?!\n]{0,40}\bon (feb(ruary)?\.? ([1-9]|1[01])|([1-9]|1[01]) feb(ruary)?)"
    r"(st|nd|rd|th)?\b|\bbefore (the|this) (change|update|new (limits?|quota|rules?))\b|"
    r"\bbefore (feb(ruary)?\.? 12|12 feb(ruary)?)(th)?\b|"
    r"(1|一|12|十二|11|十一)\s*月.{0,6}(买|订阅|开通|购买)|(改版|调整|变更)(之|以)?前.{0,8}(买|订阅|开通|购买)|"
    r"2\s*月\s*12\s*(号|日)?\s*(之|以)?前.{0,8}(买|订阅|开通|购买)", re.I)


# A question that asks a person to act, not the docs to say something: the story before it is the ask
PERSON_REQUEST = re.compile(r"^\W*(can|could|would) (you|someone|somebody|support) (please )?(check|look|help|fix|"
                            r"investigate|sort)|^\W*(please )?(check|help|fix|look into)\b|what('s| is) going on\W*$|"
                            r"^\W*any (update|idea|help)s?\W*$", re.I)
# A message that tells what happened to the subscriber ("I upgraded", "my card was charged", "昨天把 Pro 升级成了 Max"),
# not a title naming a topic ("Lite plan price"); one that says it wants to know something asks it
TELLS = re.compile(r"\b(i|i'?ve|i'?m|we|we'?ve|my|our)\b|^\W*(upgraded|downgraded|bought|paid|subscribed|renewed|got|"
                   r"received|charged|cancel+ed|switched)\b|我|俺|"
                   # a Chinese story drops its subject: "昨天把 Pro 升级成了 Max", "付款成功", "扣了两次"
                   r"(昨天|今天|前天|上周|上个月|刚才?|已经)[^。！？?!\n]{0,30}了|(买|付|升级|降级|续费|充值|扣|收到)(成|完)?了|付款成功|"
                   r"(买|订|开通)的\s*(lite|pro|max)|开了自动续费|续上", re.I)
WANTS_TO_KNOW = re.compile(r"\b(wants?|wanted|needs?|needed|would like|'d like|trying) to (know|find out|understand|check|ask|"
                           r"confirm)\b|"
                           r"\b(wondering|curious)\b|\bplease (tell|explain|confirm|let me know)\b|想(知道|问|了解|确认)|请问|"
                           r"求(解答|解释|告知)", re.I)
# A question asked inside a clause, without a question mark: "我想买 Lite，多少钱", "I'm on Lite, how many prompts on Pro"
ASKS_SOMEWHERE = re.compile(r"(多少|几(次|个|号|天|倍)|什么|怎么|哪(个|里|天|些))[^\s,，。.!！?？]{0,3}\s*([,，。.!！?？]|$)|"
                            r"[吗呢么]\s*[,，。.!！]?\s*$|\bhow (many|much|long|do|does|"
                            r"can|to)\b|\b(what|which|where|when|why)\b.{0,40}\b(is|are|do|does|did|can|will|should)\b", re.I)
# What a told story's figures and plan words trigger but never ask: a price, a quota's size, an upgrade's cost or rules
TOLD_NOT_ASKED = FIGURE_INTENTS + ("upgrade_cost", "upgrade_rules", "quota_topup")
# Intents that state what is, today: a figure, a price, a list of models or tools, a deadline's rule
PRESENT_FACTS = FIGURE_INTENTS + ("referral_reward", "model_included", "first_purchase_deal", "cancel_deadline", "supported_tools")
# A question after a date, a future or a notice: "when will...", "is there a date", "how long will it stay", "will I
# get a reminder", "reset on the 1st or on my subscription date?", "什么时候上线"
WHEN_OR_NEXT = re.compile(
    r"\b(when will|when (is|are|does|do) \S+( \S+)? (coming|arriving|released|added|available)|is there an? (date|eta|timeline|"
    r"roadmap)|(what|which) (day|date)|release date|eta\b|roadmap|timeline|how long will|stay available|remain available|"
    r"(be|get|being) (retired|deprecated|removed|discontinued|sunset)|(retirement|deprecation|end[- ]of[- ]life) date|(go|goes|going|come|"
    r"comes|coming) back to|(coming|come) to (the )?(coding plan|plan|lite|pro|max)|next model|newer model|"
    r"(on|by) the (1st|first)( day)? of|(email|reminder|remind\w*|notice|notif\w*|warning) (me )?(before|ahead|"
    r"in advance|when)|(get|send|receive) (me )?(an? )?(email|reminder|notice|notification|warning))\b|"
    r"什么时候(上线|推出|出|会有|恢复|下线|取消|开放)|哪天|几号|会不会(下线|取消|恢复)|路线图|提醒我|通知我|会(提醒|通知)|"
    # "每个自然月 1 号 reset，还是按我的订阅日期算？": which day a monthly count starts again
    r"(每个?月|自然月)\s*(1|一)\s*(号|日)|按.{0,6}(订阅|购买|下单|付款)(的)?(日期|日子|那天)", re.I)
# An upgrade's remaining value seen as a balance: "upgraded ... a $3.00 account balance appeared", "升级...余额多出来"
UPGRADE_BALANCE = re.compile(r"\bupgrad\w*\b.{0,200}\bbalance\b.{0,40}\b(appeared|showed up|shows?|went up|increased|"
                             r"grew|added|credited|jumped|popped up)\b|\bupgrad\w*\b.{0,200}\b(appeared|showed up|new|random|"
                             r"extra|mysterious|unexpected)\b.{0,20}\bbalance\b|升级.{0,80}余额.{0,20}(多|增加|变多|出现|到账)",
                             re.I | re.S)
# "Upgraded Lite → Pro on day 12. Where did the rest of my Lite money go?": what became of the old plan's remainder
UPGRADE_REMAINDER = re.compile(r"\bupgrad\w*\b.{0,200}\b(rest|remainder|remaining|unused|leftover|left ?over)\b.{0,30}\b(money|days?|"
                               r"time|value|payment|subscription|month)\b|升级.{0,80}(剩余|剩下|没用完|未用完)的?.{0,6}(钱|天|时间|费用|价值)",
                               re.I | re.S)
# A how-to question names its own task ("How do I get Claude Code to use GLM-5?"), whatever story comes before it
HOW_DO_I = re.compile(r"^\W*(so |and |but |ok )?(how (do|can|should|would) (i|we)|how to)\b|^\W*(那|请问)?(我)?(该)?(怎么|如何)|"
                      r"\bis there (any|a|some) (\w+ )?way\b|有没有[^，。？?]{0,6}(办法|方法|途径)", re.I)


# A story of a plan change the account does not show yet ("Upgraded Lite -> Pro, still on Lite", "bought the annual,
# the page still shows the monthly plan", "降级了还是显示 Max"): when the change takes effect is what it is about.
PLAN_NOT_CHANGED = re.compile(r"\bstill (says|shows|showing|on|has|have|lists|at)\b|\bnot (active|applied|reflected)\b|"
                              r"\bhas ?n[o']t (changed|updated|applied|taken effect)|\bnothing changed\b|"
                              r"还是(显示|原来|之前|老的|旧的)|(页面?|页上|显示)\s*还是\s*(lite|pro|max|包月|包季|包年)|(没|没有|未)生效|(套餐|额度|页面).{0,6}没变", re.I)
# a plan move intended, not made: "If it's months away I'll upgrade to Pro", "上不了我就直接升 Pro 了", "thinking of upgrading"
MOVE_INTENDED = re.compile(r"\b(i'?ll|i will|i'?d|i would|going to|gonna|might|may|plan(ning)? to|thinking (of|about)|"
                           r"consider\w*|about to|want to|wanna)\b[^.?!\n]{0,20}\b(upgrad|downgrad|switch|move|go)\w*|\bif\b"
                           r"[^.?!\n]{0,60}\b(upgrad|downgrad)\w*|(就|还是)(直接)?(升|降)|(打算|考虑|准备|想|纠结)[^。？！\n]{0,8}(升|降|换)",
                           re.I)
CHANGE_INTENTS = ("upgrade_rules", "same_tier_upgrade", "downgrade")
PURCHASED = re.compile(r"\b(bought|purchased|paid for|subscribed to|clicked|ordered|switched to|moved to)\b|(买|购买|订阅|换成)了",
                       re.I)


def facts_for(settings: Settings, facts: Facts | None = None) -> Facts:
    """`facts` (a Helpdesk's, loaded once), or the facts file read now for a caller that has none."""
    return facts if facts is not None else load_facts(settings.facts_path)


# A question that points back at the story ("got auto-charged again. how do I turn this off?", "这个怎么关？"): what
# "this" is stands in the sentence before it.
# A bare "do I have to do something?" or "怎么办" says nothing without the story either.
REFERS_BACK = re.compile(r"\b(turn|switch|shut) (this|it|that) off\b|\b(stop|cancel|disable|prevent) (this|it|that)\b|"
                         r"(关掉|关闭|取消|停掉|停止)(它|这个)|(这个|它)(怎么|如何|在哪)(关|取消|停)|"
                         r"^\W*(so )?(do|must|should) i (have|need) to do (something|anything)( else)?\W*$|"
                         r"^\W*(so )?what (should|do|can) i do( now| about (it|this))?\W*$|^\W*(what now|any fix|any ideas?)\W*$|"
                         r"^\W*(那)?(该)?(怎么办|咋办|怎么弄|咋整)\W*$|"
                         # "is there a problem with your payment page?": the problem is the story's
                         r"\b(is|was) (there|something) (a |an |some )?(problem|issue|bug|wrong)\b", re.I)
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+|(?<=[。！？])|\n+")  # "glm-4.7" is no sentence end


def asked(msg: Message) -> str:
    """The text the rules may read: the question sentences (each pointing back at the story with the sentence before
    it), or a short ask; never pasted material."""
    if msg.has_paste and msg.failing and not msg.questions:
        return ""
    if word_count(msg.ask) <= SHORT_ASK_WORDS:
        return without_asides(msg.ask)
    return without_asides(" ".join(_with_referent(question, msg.ask) for question in msg.questions))


BARE_WORDS = 10
# Only another plan asked, leaning on what was said before it: "and max?", "what about Lite?", "Max 呢？"
OTHER_PLAN_TOO = re.compile(r"^\W*(and|what about|how about|same for|and for|ok and)?\s*(the |for )?(lite|pro|max)( plan)?"
                            r"\s*(then)?\s*[?？]+\s*$|^\W*(那)?\s*(lite|pro|max)\s*(套餐)?\s*(呢|是多少|多少)\s*[?？]*\s*$", re.I)
SLOW = re.compile(r"\b(slow\w*|lag\w*|sluggish)\b|变慢|很慢|卡顿", re.I)
CONFIRMS = re.compile(r"\b(right|correct|true|accurate)\b|对吗|对吧|对不对|是吗|没错吧|是真的", re.I)  # a figure told, to be checked
STORY_INTENTS = (*COMPLAINT_INTENTS, "card_minimum", "personal_plan", "use_scope")
# what a question names of its own: then it is about that, not about the story before it
_OWN_SUBJECT = re.compile(r"\b(plans?|quota|credits?|price|prompts?|key|endpoint|url|model|glm[\w.-]*|refund|subscription|lite|"
                          r"pro|max|invite|referral|balance|card|tools?|mcp|limit|upgrade|renewal|"
                          # a setting of a tool ("which entrypoint am I supposed to pick?") names what it asks too
                          r"entry ?points?|providers?|base ?urls?|config\w*|settings?|env\w*|variables?|options?|dropdown|"
                          r"protocol|version|package name|command)\b|入口|服务商|提供商|配置|设置|环境变量|包名|命令|版本|套餐|额度|积分|价格|模型|退款|"
                          r"订阅|邀请|返利|余额|升级|续费", re.I)


def bare_question(question: str) -> bool:
    """A question that names nothing of its own ("Bug?", "That's fine right?", "Is it too late to raise it with you?"):
    a few words leaning on what was told before it."""
    if _OWN_SUBJECT.search(question):
        return False  # "Price?" names what it asks
    if word_count(question) <= 2:
        return True
    return word_count(question) <= BARE_WORDS and bool(
        # (a person of the story, "is there a minimum he has to pay?", or a choice among what it listed, "which gets
        # charged first?", leans on it too)
        re.search(r"\b(it|this|that|these|those|bug|normal|right|fine|ok|okay|he|she|him|her|they|them|which)\b|这(个|样)|"
                  # ("是不是超过时间了？" after a referral's days told: a yes or no about the story)
                  r"那(个|样)|正常|对吗|是吗|他|她|哪个|^\W*(是不是|是否|难道)[^，,]{0,6}了\W*$", question, re.I))


# What the subscriber weighs, not what they ask: an alternative turned down ("instead of upgrading"), and, once the
# question is asked, what they will do with the answer ("...? thinking about whether to upgrade or wait", "I want to
# compare with Claude Max", "before I decide to renew"). The question before it is the ask.
ALTERNATIVE = re.compile(r"\b(instead of|rather than|without having to) \w+ing\b[^.?!,\n]*|\bwithout (having to )?upgrad\w*\b"
                         r"[^.?!,\n]*", re.I)
PURPOSE = re.compile(r"\b((i'?m |i am |we'?re )?(thinking (about|of)|deciding|trying to decide) (whether|if)|(i'?m |we'?re )?thinking "
                     r"(of|about) (upgrading|switching|moving|buying)\b|(before|so|until) (i|we) "
                     r"(can )?decide|i (want|need) to compare|to compare (it |this |that )?with)\b[^.?!\n]*|"
                     r"(再决定|决定要不要|考虑要不要|纠结要不要|好决定)[^。？！\n]*", re.I)


# A checkbox's label quoted from a tool's screen ("Support Images", "Enable Thinking") names a toggle; its verb is not
# the ask's ("should I tick "Support Images"?" asks nothing about supported tools)
UI_LABEL = re.compile(r"[\"“'](Support|Supports|Enable|Allow|Use)( [A-Z][\w.-]*){1,3}[\"”']")


# What the subscriber says they did not do or do not want, in a statement: "No upgrades, no top-ups", "也不打算 refund 或者
# upgrade" name no upgrade or refund asked about ("so no refund at all?" is a question, and stays)
_NOT_DONE_THINGS = r"(upgrades?|upgrading|top[- ]?ups?|topping up|refunds?|downgrades?|downgrading|discounts?|renewals?|" \
                   r"cancell?ations?|api usage|other (charges?|purchases?))"
_NOT_MADE = r"(upgrades?|top[- ]?ups?|downgrades?|api usage|other (charges?|purchases?))"  # "no top-up": none was made
NOT_DONE = re.compile(rf"\b(never (did|made|bought|asked for|wanted)( an?| any)?|not (asking|looking|planning|going|"
                      rf"trying) (for|to)( get| do| make)?( an?| any)?|(do|did|am|was)(n'?t| not) (want|need|plan|intend)\w*( to)?"
                      rf"( get| do| make)?( an?| any)?) {_NOT_DONE_THINGS}(,? (or|nor|and) (an? |any )?{_NOT_DONE_THINGS})?\b|"
                      rf"\b(no|without|nor) {_NOT_MADE}\b|"
                      r"(不打算|不想|不需要|不是要|没打算|也不|不会)(要)?\s*(refund|upgrade|退款|升级|降级|充值|续费)"
                      r"(\s*(或者|和|或|、|也不)\s*(refund|upgrade|退款|升级|降级|充值|续费))?|"
                      r"(就|也|还)?不(再)?升(级)?(到)?\s*(pro|max)", re.I)  # "要是下个月就有，我就不升 Pro 了"


def without_not_done(text: str) -> str:
    return "".join(part if part.rstrip().endswith(("?", "？")) else NOT_DONE.sub(" ", part)
                   for part in re.split(r"(?<=[.!?。！？\n])", text))


def without_asides(text: str) -> str:
    text = without_not_done(UI_LABEL.sub(" that setting ", ALTERNATIVE.sub(" ", text)))
    marks = [i for i in (text.find("?"), text.find("？")) if i >= 0]
    if not marks:
        return text
    return text[:min(marks) + 1] + PURPOSE.sub(" ", text[min(marks) + 1:])


# A question of this many words names its own subject ("is there a mode that plans before it edits code?"); a shorter
# one may lean on the story before it ("my friend paid 100 USD. How much do I get?")
SELF_CONTAINED_WORDS = 8


def self_contained(questions: Sequence[str]) -> bool:
    """A question long enough to name its own subject, not leaning on the story with "it" or "this" (a long one names
    it whatever pronouns it also has: "which of its tools reads dashboards, so I can name it in my prompt?")."""
    return any(word_count(q) >= SELF_CONTAINED_WORDS and not REFERS_BACK.search(q) and (word_count(q) >= 2 * SELF_CONTAINED_WORDS
               or not re.search(r"\b(it|this|that|they|them|these|those)\b|这个|那个|它", q, re.I)) for q in questions)


# Words any question and any answer about the plan share, which say nothing of what is asked
_GENERIC = frozenset("""
what which where when will would could should there their them they this that these those have with your from into
just about make want need know like using used does doing plan plans coding glm z.ai zai the and for you can how get
not are was has any all our its but who why one own too also then than only really still even way here some
claude code cline opencode crush goose kilo roo cursor trae droid factory cherry studio eigent gemini grok
""".split())  # and the tools' names: the tool a question and a rule's answer both name is context, not the subject
_GENERIC_ZH = frozenset("套餐 请问 怎么 什么 可以 是不 不是 有没 没有 一下 这个 那个 我们 你们 现在 如果 的话 还是 就是 是否 能否 怎样 "
                        "如何 为什 什么 么办 知道 问题 一个 使用 用户 所以 但是 因为".split())


def _tokens(text: str) -> set[str]:
    words = {w[:6] for w in re.findall(r"[a-z0-9][a-z0-9.-]*[a-z0-9]|[a-z0-9]", text.lower())
             if (len(w) > 3 or w.isdigit() and len(w) > 1) and w not in _GENERIC}
    han = "".join(ch if "\u4e00" <= ch <= "\u9fff" else " " for ch in text)
    pairs = {run[i:i + 2] for run in han.split() for i in range(len(run) - 1)}
    return words | (pairs - _GENERIC_ZH)


def shares_words(question: str, answer: str, besides: str = "") -> bool:
    """Does the answer speak of anything the question names (a word, a figure, two Chinese characters) that the story
    told `besides` it does not already name? ("...converted into an $18 balance. Can this balance be withdrawn to my
    card?" names the balance, which an upgrade's rules speak of too; what it asks, withdrawing, they don't)"""
    shared = _tokens(question) & _tokens(answer)
    return bool(shared - _tokens(besides)) or len(shared) >= 2


def _with_referent(question: str, ask: str, refers: re.Pattern = REFERS_BACK) -> str:
    if not refers.search(question):
        return question
    sentences = [part.strip() for part in _SENTENCE_BREAK.split(ask)]
    at = next((i for i, sentence in enumerate(sentences) if sentence and sentence in question or question in sentence), None)
    return f"{sentences[at - 1]} {question}" if at else question


# A question with a pronoun ("Can I cash that out?"), which the sentence before it names
PRONOUN = re.compile(r"\b(that|it|this|them|these|those)\b|这(个|些)|它", re.I)


def explain(question: str, history: Sequence[dict], settings: Settings, message: Message | None = None,
            facts: Facts | None = None) -> tuple[Parsed, Reply | None]:
    """The parse and the reply with its working (facts used, calculations): what tests and audits look at."""
    msg = message or analyse(question, settings.corpus_dir)
    parsed = resolve(asked(msg), list(history), plans=msg.plans)
    if msg.questions and asked(msg) == msg.ask and " ".join(msg.questions) != msg.ask:
        # A short ask read whole may take its intent from the story ("my plan renewed automatically. can I get my
        # money back?" is a refund question, not a renewal one): a policy the question sentences ask for wins.
        only = resolve(" ".join(msg.questions), list(history), plans=msg.plans)
        leaning = resolve(" ".join(_with_referent(q, msg.ask, PRONOUN) for q in msg.questions), list(history),
                          plans=msg.plans)
        if (parsed.intent in POLICY_INTENTS and only.intent in POLICY_INTENTS or parsed.intent in STORY_FIGURES and (
                only.intent in POLICY_INTENTS or (only.intent or "").startswith("referral_"))) and \
                only.intent != parsed.intent and leaning.intent != parsed.intent and not (
                    only.intent in ACCOUNT_POINTERS and fires(parsed.intent, only.text, only.slots)):
            # ("...14.70 in credits. Can I cash that out?": "that" is the credits; an invite's reward worked out from the
            # story gives way to the referral question asked: "...paid $30 each. When will the credits show up?"; but a
            # pointer to the account's pages is no policy of its own when the question fires the story's too:
            # "攒了 $37 credits。Can I cash out to PayPal?" is the credits' withdrawal, not where payment methods are)
            parsed = only
        elif only.intent is not None and only.intent != parsed.intent and (
                parsed.intent in FIGURE_INTENTS or parsed.intent in TOLD_NOT_ASKED and only.intent in POLICY_INTENTS
                or parsed.intent in TOLD_NOT_ASKED and only.intent in FIGURE_INTENTS
                and bool(re.search(r"\b(lite|pro|max)\b", only.text)) and not re.search(
                    r"upgrad|extra|differen|switch|move|remain|left|升|差价|补|抵扣|剩", only.text)):
            # ("Max price? Lite is $6 and Pro $30 per your upgrade example. What does Max monthly cost?": the price asked,
            # not an upgrade's cost worked out from the story's two prices)
            # "is there a student discount for Pro? Lite's 5 hours limit is too tight": the question's own intent, not
            # the figure its story's words trigger; "upgraded Lite to Pro, payment failed but charged. Can I get a
            # refund?": the policy it asks, not the upgrade's cost
            parsed = only
        elif only.intent is None and parsed.intent in FIGURE_INTENTS and not re.search(
                rf"{COST}|{QUOTA}|\bhow (much|many)\b|多少|几", " ".join(msg.questions).lower()) and all(
                word_count(q) >= 5 and not LEANS_BACK.search(q) for q in msg.questions):
            # "NixOS, Lite monthly ($6 那个). crush 在 Nix 下面怎么装?": a question that asks no figure takes none from
            # the story's price or quota
            parsed = only
        elif only.intent is not None and only.intent != parsed.intent and any(HOW_DO_I.search(q) for q in msg.questions):
            # "Just upgraded to Max. How do I get Claude Code to use GLM-5?": a how-to names its own task; the story
            # before it ("upgraded") is what happened, not what is asked
            parsed = only
        elif only.intent is not None and only.intent != parsed.intent and parsed.intent in (*TOOL_INTENTS, *TOLD_NOT_ASKED) \
                and self_contained(msg.questions) and (not fires(parsed.intent, only.text, only.slots) or (
                    only.intent not in (*FIGURE_INTENTS, *PRICE_INTENTS) and MOVE_INTENDED.search(msg.told))):
            # "What is the max context length of GLM-5 on the coding plan endpoint? Claude Code keeps auto-compacting":
            # the question's own intent; the tool its story names makes no endpoint question of it, nor does "I won't
            # upgrade to Pro" make one of "Lite 什么时候能用 GLM-5？", even where the question's words fire the story's
            # rule too, when the move is only intended ("When is GLM-5 coming to Lite? If it's months away I'll upgrade
            # to Pro"; one made, "Upgraded Lite to Pro yesterday. Is my weekly limit now Pro's?", is the question's
            # subject), and unless what the question reads as is a figure or a price, which the story's rule may be the
            # one to work out ("原来 Pro 剩下那 20 天的钱到底去哪了？" after an upgrade)
            parsed = only
        elif only.intent is None and (parsed.intent not in (None, *COMPLAINT_INTENTS) or parsed.intent in WHO_USES) \
                and self_contained(msg.questions):
            # "Max user, 1600 prompts/5h is plenty. Is there a mode that plans before it edits code? How do I turn it
            # on?": a question that names its own subject, none of whose words the rule's answer has, asks no rule;
            # the figures of the story before it are context
            # ("...paid within 72 hours. Where exactly can I see the credits I earned?": the rule's own trigger fires on
            # the question, which asks it, even where no word of the answer is one the story left out)
            draft = respond(parsed, facts_for(settings, facts))
            story_told = msg.told
            asks_it = parsed.intent not in (*TOLD_NOT_ASKED, *CHANGE_INTENTS) and fires(parsed.intent, only.text,
                                                                                       only.slots)  # (not a plan named)
            if not draft.clarify and not asks_it and not shares_words(
                    " ".join(msg.questions), draft.text, besides=story_told):
                parsed = only
    if msg.questions and parsed.intent in STORY_FIGURES and any(CREDITS_WHEN.search(q) for q in msg.questions) and not any(
            re.search(r"\bhow (much|many)\b|多少", q, re.I) for q in msg.questions):
        # "he paid ~$27 ... 30 hours and still 0 credits. When should they show up?": when credits arrive, not how much
        parsed = replace(parsed, intent=CREDITS_ARRIVAL[0])
    # (a figure confirmed beside it, "100 次是 per month 对吧？", keeps the figure, and the date is said to be open below)
    date_left_open = msg.questions and parsed.intent in PRESENT_FACTS and any(
        WHEN_OR_NEXT.search(q) and not re.search(r"\bhow (much|many)\b|多少", q, re.I) for q in msg.questions) and all(
        WHEN_OR_NEXT.search(q) or CONFIRMS.search(q) for q in msg.questions)
    if msg.questions and parsed.intent in PRESENT_FACTS and all(
            WHEN_OR_NEXT.search(q) and not re.search(r"\bhow (much|many)\b|多少", q, re.I) for q in msg.questions):
        # (an amount asked beside the date keeps the figure: "how much credit do I get, and when will it show up?")
        # "is there a date when GLM-5's 3x goes back to 1x?", "will I get an email reminder before it renews?", "is
        # the 100-search allowance reset on the 1st or on my subscription date?": a date, a future or a notice that
        # today's figure or list does not give; retrieval says what the docs have, or that they don't say
        parsed = replace(parsed, intent=None)
    if (parsed.intent in QUOTA_FIGURES or parsed.intent in RENEWAL_PRICES and re.search(
            r"\brenew\w*|续费", " ".join(msg.questions) or msg.ask, re.I) and len(set(msg.plans)) <= 1
            # ("bought Max in January at 2400. Will my renewal drop me to 1600?": the renewal's figure, not its date)
            or parsed.intent in RENEWAL_TERMS and RENEWAL_FIGURE.search(" ".join(msg.questions) or msg.ask)) and \
            EARLY_SUBSCRIBER.search(msg.ask):
        # (and "...Jan 28 with auto-renew on. When my renewal hits, do I start paying a new price?")
        # "I subscribed Pro in January, before the change. Do I now get 400 or 600?": what an early subscriber keeps
        parsed = replace(parsed, intent="grandfathering")
    # a story: no question at all, or only questions asking a person to act ("Can you check my account?")
    story = all(PERSON_REQUEST.search(q) for q in msg.questions)
    told = story and not msg.questions and TELLS.search(msg.ask) and not WANTS_TO_KNOW.search(msg.ask) \
        and not ASKS_SOMEWHERE.search(msg.ask)
    told = told and not (parsed.intent in QUOTA_FIGURES and CLAIMED.search(msg.ask))  # a figure heard elsewhere, to check
    if (msg.questions and story or told and parsed.intent in TOLD_NOT_ASKED) and parsed.intent not in COMPLAINT_INTENTS:
        # "...upgraded from Starter to Pro, both payments went through. Can you help?": a short story read whole asks a
        # person, not the rule its plan words trigger; only the policy the story is about may answer it (below). So
        # does one that asks nothing: "Upgraded Lite -> Pro on day 15. Checkout charged $27 and a $3.00 balance
        # appeared" is no request for the upgrade's price.
        parsed = replace(parsed, intent=None)
    if parsed.intent is None and (story and UPGRADE_BALANCE.search(msg.ask) or UPGRADE_REMAINDER.search(msg.ask)):
        # "Upgraded Pro -> Max yesterday, today my account balance went up by $10": how an upgrade is paid for
        parsed = replace(parsed, intent="upgrade_rules")
    if parsed.intent is None and story:
        # A complaint that asks nothing ("my refund request was refused, an unfair term!") still gets the policy it is
        # about, with a person; only a policy intent may answer a story, never a figure.
        whole = resolve(msg.ask, list(history), plans=msg.plans)
        own_case = msg.personal or REFUND_WISH.search(msg.ask) or whole.intent in OWN_BY_DEFINITION
        if own_case and (whole.intent in COMPLAINT_INTENTS or
                         whole.intent in USED_UP_FIGURES and QUOTA_USED_UP.search(msg.ask)):
            parsed = whole
    if (parsed.intent is None or parsed.intent in ACCOUNT_POINTERS) and not msg.questions and not msg.account_matter \
            and PLAN_NOT_CHANGED.search(msg.ask):  # ("...payment went through (receipt in email), still shows Lite")
        whole = resolve(msg.ask, list(history), plans=msg.plans)
        if whole.intent not in CHANGE_INTENTS and PURCHASED.search(msg.ask):
            # "Had Lite monthly, bought Lite annual today, still shows monthly": a purchase of another plan or cycle
            # told without the word "upgrade" is one
            whole = resolve(f"upgrade: {msg.ask}", list(history), plans=msg.plans)
        if whole.intent in CHANGE_INTENTS:  # "Upgraded Lite -> Pro, still on Lite": when an upgrade takes effect
            parsed = whole
    if parsed.intent is None and any(matches(q.lower(), *TAKES_EFFECT) and not matches(q.lower(), QUOTA, r"\d\s*次")
                                     for q in msg.questions):
        # "I'm on Lite monthly. If I buy the yearly today, does it start today and I lose the rest of this month?": when
        # a change the story tells takes effect is the change's rule, though the question alone names one plan (two
        # plans stacked into one quota, "叠加成 160 次", is no question of when)
        whole = resolve(msg.ask, list(history), plans=msg.plans)
        if whole.intent in CHANGE_INTENTS:
            parsed = whole
    if parsed.intent is None and msg.questions and all(OTHER_PLAN_TOO.search(q) for q in msg.questions):
        # "ok so pro is roughly 400 every 5h, got it. and max?": the figure the story states, asked of another plan, is
        # a follow-up to the story as to an earlier turn: its slots carry over, the plan named replaces the story's
        before = resolve(msg.told, list(history), plans=msg.plans)
        if before.intent in FIGURE_INTENTS:
            story = [*history, {"role": "user", "content": msg.told}]
            again = resolve(" ".join(msg.questions), story)
            parsed = again if again.intent == before.intent else parsed
    story_before = msg.told
    leans = msg.questions and word_count(story_before) >= SELF_CONTAINED_WORDS and all(
        bare_question(q) for q in msg.questions)  # "Bug?" after a story; "and Max?" after an answer is a follow-up
    troubled = msg.failing or msg.quota_drain or msg.outage or bool(SLOW.search(msg.ask))  # a story of trouble
    if parsed.intent in FIGURE_INTENTS and leans and troubled and not any(
            CONFIRMS.search(q) for q in msg.questions):
        parsed = replace(parsed, intent=None)  # "...1600 prompts in 5 hours and it got slow. Normal?": a figure told
    if parsed.intent is None and leans:
        # "Bug?", "That's fine right?", "Is it too late to raise it with you?": the story told is what they ask about;
        # a rule of situations (a referral's fate, a shared plan, a charge) may read it, a figure rule may not
        whole = resolve(without_asides(msg.ask), list(history), plans=msg.plans)
        if whole.intent in STORY_INTENTS or (whole.intent or "").startswith("referral_"):
            parsed = whole
    told = resolve(without_asides(msg.ask), list(history), plans=msg.plans) if parsed.intent is None and msg.questions \
        else None  # the story read whole, once, for the two readings below
    if told is not None:
        # a question asked within a story of one family (inviting) is that family's, though it names none of its words
        member = family_member(parsed.text, parsed.slots, told.text, told.slots, STORY_FAMILIES)
        if member is not None and member not in STORY_FIGURES:
            parsed = replace(parsed, intent=member)
    leaning_on_story = [bool(word_count(q) <= BARE_WORDS or LEANS_ON_STORY.search(q)) for q in msg.questions]
    if parsed.intent is None and msg.questions and not (msg.errors or msg.mcp or msg.enforcement) and all(
            not (SETUP_SUBJECT.search(q) or _OWN_SUBJECT.search(q)) and not resolve(q, list(history), plans=msg.plans).intent
            and (leans or not TOPIC_SHIFT.search(q)) for q, leans in zip(msg.questions, leaning_on_story)) and any(leaning_on_story):
        # (one short question is enough: "Is billing broken? Am I going to get hit with a big bill later?" names no
        # subject in either; a longer one opened as another topic, "Separately, does Z.ai have an office in Europe?",
        # is not about the story)
        # "Bought Pro quarterly on Jan 28, no auto-renew. Q1: does my current quarter keep what I bought?", "想 3 月 9
        # 号晚上再点取消。这样来得及吗？": questions that name no subject of their own ask about the situation told; the
        # first rule of situations the story triggers answers them (a figure rule may not: "he paid ~$27 ... When should
        # they show up?" asks when credits arrive, not how much; a ban asked of a story is the terms' diagnosis)
        situation = None if OTHER_PRODUCTS.search(told.text) else next((name for name in all_firing(told.text, told.slots) if (
            name in COMPLAINT_INTENTS or name.startswith("referral_")) and name not in STORY_FIGURES), None)
        if situation is not None:
            parsed = replace(told, intent=situation)
    if parsed.intent is None:
        return parsed, None
    parsed = replace(parsed, story=without_asides(msg.ask))  # what a situation's rule may read of the story told
    if parsed.intent in PLAN_FIGURES and parsed.slots.plans and COMPARED_FIGURE.search(parsed.text):
        # "Lite plan question re MCP ... thinking about Pro, does Pro change the number a lot?": the figure of the plan
        # they have beside the one they consider
        held = [p for p in msg.plans if p not in parsed.slots.plans]
        if len(held) == 1:
            parsed = replace(parsed, slots=replace(parsed.slots, plans=[held[0], *parsed.slots.plans]))
    if parsed.intent in (*CHANGE_INTENTS, *MOVES_UP):  # two plans asked of, moving the way the story says
        plans = moved_as_told(list(parsed.slots.plans), parsed.text, msg.ask.lower())
        if plans != list(parsed.slots.plans):
            parsed = replace(parsed, slots=replace(parsed.slots, plans=plans))
        if parsed.intent in MOVES_UP and len(set(plans)) == 2 and \
                RANKS.index(plans[0]) > RANKS.index(plans[1]) and DOWNGRADE_TOLD.search(msg.ask):
            # "想降到 Pro ... Max 和 Pro 中间的差价会退回来吗？": a move down is a downgrade, whatever "差价" triggers
            parsed = replace(parsed, intent=MOVES_DOWN[0])
    reply = respond(parsed, facts_for(settings, facts))
    if date_left_open and not reply.clarify and not UNSTATED.search(reply.text):
        # "Lite 的 100 次是 per month 对吧？那是每个自然月 1 号 reset，还是按我的订阅日期算？": the figure, and the date
        # the docs don't give
        reply = replace(reply, text=reply.text + "\n" + DATE_OPEN["zh" if parsed.language == "zh" else "en"])
    if not reply.clarify and not polar(asked(msg)):  # "how do I get a refund?" is not answered "No:"
        reply = replace(reply, text=without_polar_lead(reply.text))
    if not reply.clarify and len(msg.questions) >= 2:
        reply = with_other_questions(reply, parsed, msg, history, facts_for(settings, facts))
        reply = with_story_question(reply, parsed, msg, history, facts_for(settings, facts))
    return parsed, reply


def with_story_question(reply: Reply, parsed: Parsed, msg: Message, history: Sequence[dict], facts: Facts) -> Reply:
    """"...注册完第 4 天才付款，credits 一直没到账。是不是超过时间了？另外 credits 能提现吗，还是只能买套餐": a bare question
    beside another one asks about the story told; a rule of situations that the story triggers answers it first."""
    # (not a stray "?" of "??", nor one the first answer's rule already asks: "他这种算「新用户」吗？" is the new-user rule's)
    bare = [q for q in msg.questions if bare_question(q) and re.search(r"\w", q) and not fires(
        parsed.intent, (own := resolve(q, list(history), plans=msg.plans)).text, own.slots)]
    if not bare or len(bare) == len(msg.questions):
        return reply
    told = msg.told
    if word_count(told) < SELF_CONTAINED_WORDS:
        return reply
    story = resolve(without_asides(told), list(history), plans=msg.plans)
    if story.intent is None or story.intent == parsed.intent or story.intent in reply.also or not (
            story.intent in STORY_INTENTS or story.intent.startswith("referral_")) or story.intent in STORY_FIGURES:
        return reply  # (a figure the story's amounts work out is no answer to a question about the story)
    extra = respond(replace(story, story=without_asides(msg.ask)), facts)
    if extra.clarify or set(extra.fact_ids) <= set(reply.fact_ids):
        return reply
    first = msg.questions.index(bare[0]) < msg.questions.index(next(q for q in msg.questions if q not in bare))
    texts = [extra.text, reply.text] if first else [reply.text, extra.text]
    return replace(reply, text="\n".join(texts), fact_ids=list(dict.fromkeys([*reply.fact_ids, *extra.fact_ids])),
                   also=sorted({*reply.also, story.intent}))


# A question that leans on the story for its subject: "Correct?", "Which one is current?", "对吗"
LEANS_BACK = re.compile(r"\b(it|this|that|these|those|one|ones|correct|right|true|accurate|so)\b|这个|那个|对吗|对不对|是真的",
                        re.I)
# A question after what an error means: "what does 1113 mean?", "what is error 1304", "这个错误码代表什么", "1304 是什么限制"
ERROR_MEANING = re.compile(r"\bwhat (does|do|is|'s)\b.{0,40}\b(mean|means|meaning)\b|\bwhat('s| is) (this |that |the )?(error|"
                           r"code|status code)\b|\bwhat is (error |code )?\d{3,4}\b|\bmeaning of\b|(这个|错误码?|报错|错误|\d{3,4})."
                           r"{0,12}(什么意思|是什么|代表什么|啥意思|什么限制|指什么|怎么回事)|"
                           # "why is it saying insufficient balance??", "为什么一直报 1113": why the error shows is its meaning
                           # (not "why am I only getting half?": a quota question)
                           r"\bwhy (is|does|do|did|would)\b.{0,20}\b(say|says|saying|show|shows|showing|return|returns|"
                           r"returning|throw|throws|throwing)\b|为什么.{0,8}(报错?|提示|返回)", re.I)
MORE_QUESTIONS = 2  # a message asking three or more rule questions gets the first three answered
# a figure asked as a change from the one they have: "does Pro change the number a lot?", "how much more on Max?"
COMPARED_FIGURE = re.compile(r"\b(change|changes|more|less|fewer|bigger|higher|lower|differen\w*|compared?|vs|versus|bump|"
                             r"increase|jump)\b|多多少|多几|多少倍|区别|差多少|提升|高多少|翻倍", re.I)
# families whose story makes a question theirs though it names none of their words (an invite's story: "算几轮？");
# an upgrade told is context, never the question ("Upgraded Lite to Pro yesterday. Claude Code keeps asking...")
STORY_FAMILIES = ("referral",)
# a question pointing back at what was told: "...what do I get then?", "这样来得及吗？"
LEANS_ON_STORY = re.compile(r"\b(it|this|that|these|those|then|so)\b|这样|那样|这个|那个", re.I)
# what a question about a tool's setup names: it is no question about the situation a story tells
SETUP_SUBJECT = re.compile(r"\b(entry ?points?|providers?|base ?urls?|urls?|config\w*|settings?|env\w*|variables?|options?|"
                           r"dropdown|protocol|version|package|command|install\w*|mcp|models?|api ?key|key|endpoint|"
                           r"extension|plugin|sdk)\b|入口|服务商|提供商|配置|设置|环境变量|包名|命令|版本|安装|模型|插件|接口|地址",
                           re.I)
RANKS = ("lite", "pro", "max")
MOVES_UP = ("upgrade_rules", "upgrade_cost")  # an upgrade's rules or cost: a move down is neither
MOVES_DOWN = ("downgrade",)
PLAN_FIGURES = ("mcp_quota", "plan_quota")  # a figure per plan, which may be asked of the plan held and one considered
DOWNGRADE_TOLD = re.compile(r"\bdowngrad\w*|\b(drop|step|go|move|switch)\w* (back )?down\b|降级|降到|降回|降成|换回", re.I)
# Policies a sentence may ask beside what another rule already answered ("...the difference: refunded, or balance?")
SIDE_POLICIES = ("refund",)  # ("do I have to cancel first?" beside an upgrade asks no cancellation's deadline)


# A question opened as another topic than the story before it: "Separately, ...", "另外请问...", "BTW ..."
TOPIC_SHIFT = re.compile(r"^\W*(separately|also|another (question|thing)|unrelated(ly)?|btw|by the way|p\.?s\.?|on another note|"
                         r"different (question|topic))\b|^\W*(另外|还有|顺便|再问|题外话)", re.I)
# A question that only takes the one before it further: "By how much?", "Why?", "Really?", "How so?"
ELABORATION = re.compile(r"^\W*(and |but |so )?(by how (much|many)|how (much|many)( more| less)?|why( not)?|really|seriously|"
                         r"how so|how come|since when|what else)\W*$", re.I)


def with_other_questions(reply: Reply, parsed: Parsed, msg: Message, history: Sequence[dict], facts: Facts) -> Reply:
    """"How many prompts does Lite get every 5 hours? Is there a weekly cap too?": each question sentence that is
    another rule's own question is answered after the first, in the order asked."""
    seen, texts, fact_ids = {parsed.intent}, [reply.text], list(reply.fact_ids)
    for sentence in msg.questions:
        if ELABORATION.search(sentence):
            continue  # "Is GLM-5 billed differently? By how much?": the question before it, asked further
        other = resolve(sentence, list(history), plans=msg.plans)
        if other.intent in seen and len(seen) <= MORE_QUESTIONS:
            # "差价会退回来吗，还是转成余额？" after a downgrade's upgrade rules: the money back it asks as well
            other = replace(other, intent=next((n for n in SIDE_POLICIES if n not in seen and fires(n, other.text, other.slots)),
                                               other.intent))
        if other.intent is None or other.intent in seen or len(seen) > MORE_QUESTIONS:
            continue
        if parsed.intent in MOVES_DOWN and other.intent in MOVES_UP and not re.search(r"\bupgrad\w*|升级|升回|升到", sentence, re.I):
            continue  # the same move down, its difference asked ("Max 和 Pro 中间的差价会退回来吗"): no upgrade's rules
        if parsed.slots.glm5 and not other.slots.glm5 and other.intent in QUOTA_FIGURES:
            # "how do I get GLM-5 in Claude Code? and is there a catch with quota?": the quota of the model asked about
            other = replace(other, slots=replace(other.slots, glm5=True))
        extra = respond(other, facts)
        if extra.clarify or set(extra.fact_ids) <= set(fact_ids):
            continue  # (an answer whose every fact is already given adds nothing: "...stored? Which country?")
        seen.add(other.intent)
        texts.append(extra.text if polar(sentence) else without_polar_lead(extra.text))
        fact_ids += [f for f in extra.fact_ids if f not in fact_ids]
    if len(texts) == 1:
        return reply
    return replace(reply, text="\n".join(texts), fact_ids=fact_ids, also=sorted(seen - {parsed.intent}))


def _sources(facts: Facts, fact_ids: list[str]) -> list[Source]:
    sources: list[Source] = []
    for fact_id in fact_ids:
        source = facts.source(fact_id)
        if all(s.doc != source.doc for s in sources):
            sources.append(source)
    return sources


# The sources' line `cited` ends an answer with: where a later step adds a line before it
CITATION = re.compile(r"\n\((Source|来源): [^\n]*\)$")


def cited(text: str, sources: list[Source] | tuple[Source, ...], chinese: bool) -> str:
    """The answer with its sources' line: each page's title and the date it is current as of."""
    as_of = "截至" if chinese else "as of"
    label = "来源" if chinese else "Source"
    return f"{text}\n({label}: {'; '.join(f'{s.title}, {as_of} {s.as_of}' for s in sources)})"


# A rules answer that says the docs leave something open ("the docs don't mention a free trial")
UNSTATED = re.compile(r"\b(docs|documentation|FAQ|page|they|and)s? (do(es)?n't|do(es)? not) (mention|list|state|say|give|cover|name|"
                      r"specify)|\b(docs|documentation|FAQ|page)s? (give|list|describe|name|state|publish|announce) no\b|"
                      r"\bnot (stated|documented|listed|mentioned) in the docs|文档(没有|未|并未)(提到|列出|写明|说明|"
                      r"提及|给出|涉及)|没有(提到|列出|写明|说明)")
DATE_OPEN = {"en": "What you ask about its timing (a date, a reset day, a notice) the docs don't say.",
             "zh": "你问的时间（日期、重置日、提醒）文档没有写明。"}
ASK_SUPPORT = {"en": "Z.ai support can answer what the docs leave open: ", "zh": "文档没有写明的内容，可以咨询 Z.ai 客服："}

ACCOUNT_POINTERS = ("billing_pages",)  # where charges are seen: for a charge gone wrong, no answer to it by itself
ACCOUNT_LEAD = {"en": "The docs don't cover a charge on your account going wrong; Z.ai support can check it. What they say:",
                "zh": "文档没有涉及你账户的扣费问题，Z.ai 客服可以核查。文档的说法："}
HANDOFF = {"en": "If this doesn't solve it, Z.ai support can look at your account: ",
           "zh": "如果这没有解决你的问题，Z.ai 客服可以查看你的账户："}


def troubleshooting_answer(diagnosis: Diagnosis, msg: Message, settings: Settings, facts: Facts) -> Answer:
    sources = _sources(facts, diagnosis.fact_ids)
    chinese = diagnosis.zh  # its lines are already in the subscriber's language
    text = "\n".join(diagnosis.lines)
    if diagnosis.handoff:
        text += f"\n{HANDOFF['zh' if chinese else 'en']}{settings.support_url}"
    only_unlisted = set(diagnosis.kinds) <= {"unlisted"}
    trace = {"layer": "troubleshoot", "diagnosis": diagnosis.kinds, "facts": list(diagnosis.fact_ids)}
    if only_unlisted:
        return Answer(text=text, route="abstain", confidence=0.0, offer_human=True, trace=trace)
    return Answer(text=cited(text, sources, chinese), route="rules", sources=tuple(sources), confidence=1.0,
                  offer_human=diagnosis.handoff, notes=("troubleshooting", f"facts v{facts.version}"), trace=trace)


# A question that asks how, what, why or where is not answered "Yes:" or "No:" (that lead answers "is there...?").
WH_QUESTION = re.compile(r"^\s*(how|what|what's|whats|why|where|when|which|who)\b|怎么|如何|怎样|为什么|为啥|什么|多少|哪", re.I)
POLAR_QUESTION = re.compile(r"^\s*(is|are|am|was|were|do|does|did|can|could|will|would|should|may|has|have|shall)\b|"
                            r"吗[?？]?\s*$|能否|是否|可否|可不可以|能不能|会不会|是不是|有没有", re.I)
POLAR_LEAD = re.compile(r"^(Yes|No)[:,]\s+(?:on timing: )?|^(不可以|不会|会|有|可以)。")


def polar(text: str) -> bool:
    """Does the question ask yes or no? Judged clause by clause on its question sentences ("my friend paid 80 hours
    after my invite, does it count?" is; "how do I cancel auto-renew?" is not); a statement asks neither."""
    sentences = [s for s in re.split(r"(?<=[?？.!。！\n])\s*", text) if s.strip()]
    asking = [s for s in sentences if s.rstrip().endswith(("?", "？"))] or sentences
    for sentence in asking:
        clauses = re.split(r"[,;:，；：]|\s[-–—]\s", sentence)
        if any(POLAR_QUESTION.search(c) for c in clauses) and not any(WH_QUESTION.search(c) for c in clauses):
            return True
    return False


def without_polar_lead(text: str) -> str:
    stripped = POLAR_LEAD.sub("", text, count=1)
    return stripped[:1].upper() + stripped[1:] if stripped != text else text


GENERAL_LINES = {"scope", "setup", "tools"}  # a diagnosis's lines that say what the docs cover and how a tool is set up
# A question for a version ("which Claude Code version have you verified?", "what Node version do I need", "哪个版本"), and
# an answer that gives one ("Node.js 18 or newer", "2.0.70")
VERSION_ASK = re.compile(r"\b(which|what)\b(?: (?!model\b|glm)\S+){0,3} versions?\b|\bversions? (number|range)\b|"
                         r"\bmin(imum)? versions?\b|"
                         r"(哪个|什么|哪些|最低)版本|版本(要求|号)", re.I)
GIVES_VERSION = re.compile(r"(?<![\w-])\d+\.\d+\.\d+\b|\bnode(\.js)? \d+|\d+ or (newer|later|higher)|(或|及)更高", re.I)
# A question for how to install something ("what's the install method the guide uses?", "crush 在 Arch 上怎么装?"), and an
# answer that gives an install command
INSTALL_ASK = re.compile(r"\bhow (do|can|should|would) (i|we|you) (get \w+ )?install\w*|\bhow to install\b|\b(what'?s|what is|"
                         r"which is) the install\w*\b|\binstall(ation)? (method|command|script|instructions?|steps?|guide|way)s?\b|"
                         r"\b(can'?t|cannot|unable to|fails? to) install\b|怎么装|如何装|怎么安装|如何安装|安装(方法|命令|步骤|方式|教程)|"
                         r"装不上|安装不了|安装失败", re.I)  # the install is what is asked, not the backdrop ("after installing X, ...")
GIVES_INSTALL = re.compile(r"npm (install|i) |curl -fsSL|brew install|pip install|\birm |install\.sh|yay -S|\bgithub install\b|"
                           r"go install|winget|scoop install|paru -S|`[^`\n]*\binstall\b[^`\n]*`", re.I)


# A question whether the plan has, includes or supports a thing ("does the plan include any embedding model?", "is there a
# Terraform provider?", "coding 端点上有没有 /embeddings?"), and the words of the thing asked
EXISTS_ASK = re.compile(r"\b(include[sd]?|support(s|ed)?|offer(s|ed)?|provide[sd]?|expose[sd]?|is there|are there|do you have|"
                        r"does (it|the plan|z\.?ai|the api|the endpoint) have)\b|有没有|是否(有|支持|提供)|支持|提供", re.I)
THING = re.compile(r"\s+(\w+\s+)?(models?|providers?|endpoints?|apis?|sdks?|plugins?|servers?|integrations?|features?|"
                   r"libraries|library|packages?|services?)\b")
_ASKED_WORD = re.compile(r"(?<![\w.-])(?!non-)[a-z][a-z-]{4,}(?![\w.-])")  # ("a non-interactive way": how, not what)


# Rules that point at a place or a setting (the endpoints, the API keys page, the tools list): asked whether the plan
# has something the docs never name, they point at something else
POINTERS = ("endpoint", "api_key_where", "use_scope")  # (a region asked is regional_endpoint's, a tool the tools list's)


def undocumented_asked(msg: Message, corpus_dir) -> list[str]:
    """The words of a thing whose existence is asked that no page uses ("embedding", "terraform"): the docs do not say
    the plan has it, so a rule about something else (the endpoints, the API keys page) does not answer it."""
    known = documented_words(str(corpus_dir))
    tools = {a for names, _ in TOOLS.values() for a in names} | set(OTHER_TOOLS)
    found: list[str] = []
    for question in msg.questions:
        ask = EXISTS_ASK.search(question)
        if not ask:
            continue
        thing = " ".join(question[ask.end():].split()[:8]).lower()  # the thing named right after "include", "is there a"
        for m in _ASKED_WORD.finditer(thing):
            word = m.group(0)
            stem = word[:-1] if word.endswith("s") else word
            # a kind of thing ("embedding model", "Terraform provider") or a path ("/embeddings"), not a word of the
            # sentence around it ("closer", "obligations") nor a tool ("avante", "Sublime": the tools list's question)
            kind = THING.match(thing[m.end():]) or thing[max(0, m.start() - 1):m.start()] == "/"
            if kind and word not in known and stem not in known and word not in tools and stem not in tools:
                found.append(stem)
    return list(dict.fromkeys(found))


# Asking how to set something up, connect or call it: the MCP servers' setup lines answer these
SETUP_ASK = re.compile(r"\b(add|adding|install\w*|configur\w*|config|set ?up|setting up|connect\w*|endpoint|url|"
                       r"command|header|key|node|npx|use|using|enable|type|transport|http|sse|stdio|json|settings?)\b|"
                       r"配置|安装|添加|(怎么|如何|咋)加|加(上|到|进)|接入|地址|命令|怎么用|如何用|使用|启用|开启|设置|参数", re.I)
_SERVER_LINES = tuple(line.split(":")[0] + ":" for line, _ in MCP_SETUP.values()) + \
    tuple(line.split("：")[0] + "：" for line in MCP_SETUP_ZH.values())


def server_setup_only(diagnosis: Diagnosis) -> bool:
    """A diagnosis that is only the named MCP servers' setup lines ("Vision MCP: a local server, ...")."""
    return bool(diagnosis.lines) and all(line.startswith(_SERVER_LINES) for line in diagnosis.lines)


def elsewhere(msg: Message, reply: Reply, facts: Facts, settings: Settings) -> list[str]:
    """The pages of their own on what the ask names that the rule's answer neither cites nor mentions: "how do I
    make sure GLM-5 uses deep thinking?" is a thinking-mode question, whatever the GLM-5 rule says about switching."""
    if not msg.topics:
        return []
    cited = {facts.source(f).doc for f in reply.fact_ids}
    phrase = {doc: topic for topic, doc in page_topics(str(settings.corpus_dir)).items()}
    said = reply.text.lower()
    return [doc for doc in msg.topics if doc not in cited and phrase.get(doc, doc) not in said
            and TOPIC_ZH.get(phrase.get(doc, doc), "\0") not in said]


def self_hosted(msg: Message) -> Answer:
    """GLM's open weights run by the subscriber (vLLM, SGLang, Ollama): no rule, no passage of these docs applies."""
    text = ("这些文档讲的是 Z.ai 托管的 API 和 GLM Coding Plan，不涉及自己部署 GLM 开源权重（vLLM、SGLang、Ollama 等），所以没有"
            "这方面的答案；请参考你所用推理框架和模型仓库的文档。") if msg.language == "zh" else (
            "The GLM Coding Plan docs cover Z.ai's hosted API and the plan, not running GLM's open weights yourself "
            "(vLLM, SGLang, Ollama, a quantised copy), so they don't cover this; the inference server's and the "
            "model repository's own documentation are the place for it.")
    return Answer(text=text, route="abstain", confidence=0.0, trace={"layer": "self_hosted"})


# A question for the time zone of a time ("is that midnight UTC or Beijing time?", "peak hours in which timezone?",
# "reset at 的时间是 UTC 还是北京时间"), and an answer that names one
_ZONE = r"(utc|gmt|cst|pst|est|cet|beijing( time)?|china time|local time|my (local )?time( ?zone)?|mine|北京时间|本地时间|当地时间|我这边的?时间)"
TIME_ZONE_ASK = re.compile(r"\b(which|what) time ?zones?\b|\btime ?zones?\s*[?？]|时区|"
                           rf"(?<![a-z0-9+-]){_ZONE}(?![a-z0-9+-])\s*(or|还是|或者?)\s*(is it\s+|是)?{_ZONE}(?![a-z0-9+-])", re.I)
TIME_ZONE_SAID = re.compile(r"\b(utc|gmt)\b|time ?zone|beijing time|北京时间|时区", re.I)
TIME_ZONE_OPEN = {"en": "Which time zone these dates and times are in, the docs don't say.",
                  "zh": "这些日期和时间按哪个时区计算，文档没有写明。"}


def with_time_zone_open(answer: Answer | None, msg: Message, settings: Settings) -> Answer | None:
    """"My renewal shows Mar 14. Is that midnight UTC or Beijing time?": no page names the time zone of a date or a
    reset time, so a rules answer to the rest of the message says so, with a person to ask, instead of leaving the
    question it was asked unanswered."""
    if answer is None or answer.route != "rules" or not TIME_ZONE_ASK.search(asked(msg)):
        return answer
    citation = CITATION.search(answer.text)  # (a question back, with no sources' line, asks first)
    if citation is None or TIME_ZONE_SAID.search(answer.text[:citation.start()]):
        return answer
    zh = citation.group(1) == "来源"
    lines = answer.text[:citation.start()].split("\n")
    handoff = lines.pop() if len(lines) > 1 and settings.support_url in lines[-1] else None  # the person stays last
    person = [handoff] if handoff else [] if settings.support_url in answer.text else [
        ASK_SUPPORT["zh" if zh else "en"] + settings.support_url]
    lines += [TIME_ZONE_OPEN["zh" if zh else "en"], *person]
    return replace(answer, text=cited("\n".join(lines), answer.sources, zh), offer_human=True)


def answer_rules(question: str, history: Sequence[dict], settings: Settings, message: Message | None = None,
                 facts: Facts | None = None) -> Answer | None:
    """A rules answer when the ask is a rule's fact or a failure the docs diagnose; both when it is both
    ("what should haiku map to? I get 'model not found'": the mapping, then the diagnosis); a time zone asked of
    it, which no page gives, said to be open."""
    msg = message or analyse(question, settings.corpus_dir)
    return with_time_zone_open(_answer_rules(question, history, settings, msg, facts), msg, settings)


def _answer_rules(question: str, history: Sequence[dict], settings: Settings, msg: Message,
                  facts: Facts | None) -> Answer | None:
    if msg.self_hosted:
        return self_hosted(msg)
    facts = facts_for(settings, facts)
    diagnosis = diagnose(msg, facts, settings.corpus_dir)
    parsed, reply = explain(question, history, settings, msg, facts)
    said = (reply.text if reply else "") + "\n".join(diagnosis.lines if diagnosis else ())
    if any(VERSION_ASK.search(q) for q in msg.questions) and not (msg.errors or msg.http_codes) \
            and not GIVES_VERSION.search(said) and (diagnosis is None or set(diagnosis.kinds) <= GENERAL_LINES):
        # "which Claude Code version is known to work with the z.ai endpoint?": a tool's page says which versions it
        # was verified with or needs; a rule whose answer names no version (the endpoint, a team plan) is not the ask,
        # nor are a tool's general setup lines; a diagnosis of the failure told ("same cmd window") still is
        return None
    if any(INSTALL_ASK.search(q) for q in msg.questions) and not (msg.errors or msg.http_codes or msg.mcp) \
            and not GIVES_INSTALL.search(said) and (diagnosis is None or set(diagnosis.kinds) <= GENERAL_LINES):
        # "brew gives an ancient opencode: what's the install method the z.ai guide uses?": the tool's page has the
        # install commands; a rule or a setup line that gives none (the provider to pick, the tools supported) is not it
        return None
    unknown = undocumented_asked(msg, settings.corpus_dir) if msg.questions and parsed.intent in POINTERS else []
    if unknown and not any(word in said.lower() for word in unknown) and (
            diagnosis is None or set(diagnosis.kinds) <= GENERAL_LINES | {"terms"}):
        # "does the GLM Coding Plan include any embedding model?": no page names one; the endpoints' rule is not the ask
        return None
    if reply is None and diagnosis is not None and server_setup_only(diagnosis) and msg.questions \
            and not msg.failing and not SETUP_ASK.search(msg.ask):
        # "Is there an official Docker image for the MCP servers?", "is the vision server open source?": a server named,
        # nothing failing, no way to set it up asked (nor a word of one anywhere in the ask): its setup line is not it
        return None
    if reply is not None and not reply.clarify and not msg.questions and diagnosis is not None and server_setup_only(
            diagnosis) and not (msg.errors or msg.http_codes or SETUP_ASK.search(msg.ask)):
        # "官网最基础那个版本不支持视觉和搜索 ...": a claim about what a plan has, no question and no setup told; the rule
        # that settles the claim, not the servers' setup lines
        diagnosis = None
    if diagnosis is not None and (reply is None or reply.clarify or not msg.questions):
        return troubleshooting_answer(diagnosis, msg, settings, facts)
    if diagnosis is not None and (parsed.intent in DEFERS_TO_TERMS and "terms" in diagnosis.kinds or parsed.intent in WHO_USES
                                  and "sub.no_transfer" in diagnosis.fact_ids):
        # a use the terms name outright (a bot, a workflow app, one's own code): their "No" is the answer; so is a plan
        # shared with others, which the diagnosis answers with the terms' own words first
        return troubleshooting_answer(diagnosis, msg, settings, facts)
    if diagnosis is not None and msg.feature_request and parsed.intent not in POLICY_INTENTS:
        # "Would it be okay to add HUD support (last 5 hours / monthly usage)?" asks a tool's maintainers for a
        # feature; the quota's figures are not what it asks (the request's answer says what the docs say on it)
        return troubleshooting_answer(diagnosis, msg, settings, facts)
    if diagnosis is not None and "error" in diagnosis.kinds and parsed.intent not in (*POLICY_INTENTS, *CHANGE_INTENTS) \
            and any(ERROR_MEANING.search(q) for q in msg.questions):
        # "这个 1304 到底是什么限制？" after a story of a Pro plan and its 400 prompts: what the error means is the ask,
        # not the plan's figures the story names
        return troubleshooting_answer(diagnosis, msg, settings, facts)
    if diagnosis is not None and "cost" in diagnosis.kinds and parsed.intent in PRICE_INTENTS:
        return troubleshooting_answer(diagnosis, msg, settings, facts)  # a tool's cost figure asks no plan's price
    if reply is None:
        return None
    if msg.account_matter and parsed.intent in PRICE_INTENTS:
        return None  # "I was charged twice for Lite" asks about their charge, not Lite's price
    if elsewhere(msg, reply, facts, settings):  # the rule's answer is not the ask's subject; a diagnosis may be
        return troubleshooting_answer(diagnosis, msg, settings, facts) if diagnosis is not None else None
    if diagnosis is None and parsed.intent in TOOL_INTENTS:
        # "Is the free Cursor plan supported?", "does the Claude Code plugin in IntelliJ work?": the general answer,
        # then the named tool's own page values (its caveats, its model name)
        tool = next((t for t in msg.tools if t in TOOL_SETUP and t not in msg.compared_tools), None)
        if tool:
            diagnosis = Diagnosis(facts, zh=writes_chinese(msg))
            tool_setup(diagnosis, tool)
    fact_ids = list(reply.fact_ids) + ([f for f in diagnosis.fact_ids if f not in reply.fact_ids] if diagnosis else [])
    sources = _sources(facts, fact_ids)
    # (the helper's command list, when the rule's answer already gives its commands, says nothing more)
    lines = [ln for ln in (diagnosis.lines if diagnosis else ()) if not (
        ln.startswith(HELPER_LIST) and all(c in reply.text for c in re.findall(r"`([^`\n]+)`", ln)))]
    body = reply.text + ("\n" + "\n".join(lines) if lines else "")
    if msg.account_matter and parsed.intent in ACCOUNT_POINTERS:
        # "charged twice for Pro on the same day": where the charges are listed, said to be no check of them
        body = ACCOUNT_LEAD["zh" if parsed.language == "zh" else "en"] + "\n" + body
    if msg.china_platform and not (diagnosis and "scope" in diagnosis.kinds):
        # "国内版的 Lite 5 小时多少次？": the docs' figures are Z.ai's; said so before them, with a person
        body = (CHINA_LEAD["zh"] if parsed.language == "zh" else CHINA_LEAD["en"]) + "\n" + body
    # Their own case (a failure, a charge, a complaint): the policy is what the docs say, not a check of the account.
    changed = parsed.intent in CHANGE_INTENTS and not msg.questions and bool(PLAN_NOT_CHANGED.search(msg.ask))
    handoff = bool(diagnosis and diagnosis.handoff) or msg.personal or msg.china_platform or changed  # their account
    if handoff and settings.support_url not in body:
        body += "\n" + (HANDOFF["zh"] if parsed.language == "zh" else
                        "If this doesn't settle your case, Z.ai support can look at your account: ") + settings.support_url
    elif not reply.clarify and UNSTATED.search(reply.text) and settings.support_url not in body:
        # "the docs don't mention a free trial": what the docs leave open, a person can answer
        body += "\n" + (ASK_SUPPORT["zh"] if parsed.language == "zh" else ASK_SUPPORT["en"]) + settings.support_url
    text = body if reply.clarify else cited(body, sources, parsed.language == "zh")
    return Answer(text=text, route="rules", sources=tuple(sources), confidence=1.0,
                  offer_human=handoff,
                  notes=(f"intent={parsed.intent}", f"facts v{facts.version}"),
                  trace={"layer": "rules", "intent": parsed.intent, "facts": fact_ids,
                         "diagnosis": diagnosis.kinds if diagnosis else []})
