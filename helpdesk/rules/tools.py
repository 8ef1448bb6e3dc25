"""API and tool intents: general-API token prices and costs, the Web Search tool's price, the endpoint a coding tool
needs, the supported tools, Claude Code's model mapping.

Each intent is one unit here: its trigger(s), `@register(...)` with its precedence and the facts it may cite, and its
handler. To add an API or tool intent, add a unit to this module (helpdesk/rules/registry.py explains `When` and
groups); to add or change a price, an endpoint or a tool, corpus/facts.toml.
"""

from __future__ import annotations

import re

from helpdesk.message import CODING_HELPER, PLACES_AND_PLATFORMS, TOOL_NAMES
from helpdesk.rules.registry import When, register
from helpdesk.rules.respond import Reply, money, number
from helpdesk.rules.understand import COST, Parsed, Slots, matches

TOKEN_KINDS_ZH = {"input": "输入", "cached": "缓存输入", "output": "输出"}

SUPPORTED_TOOL_NAMES = ("claude code", "open code", "opencode", "cline", "factory droid", "droid", "kilo code", "roo code",
                        "crush", "goose", "cursor", "gemini cli", "grok cli", "cherry studio", "trae", "eigent")


API_MODELS = {"glm-4.7", "glm-4.7-flashx", "glm-4.6", "glm-4.6v", "glm-4.5", "glm-4.5v", "glm-4.5-x", "glm-4.5-air",
              "glm-4.5-airx", "glm-4.7-flash", "glm-4.5-flash"}


def api_cost_asked(text: str, s: Slots) -> bool:
    """GLM-5's API price, tokens with a model or a price asked, or a model's per-token price."""
    return bool(
        (s.glm5 and (matches(text, r"\bapi\b") and matches(text, COST) or matches(text, *PER_TOKEN_PRICE) and matches(
            text, r"\b(price|prices|pricing|priced|cost|costs)\b", "价格", "多少钱", "单价") and not matches(
            text, r"\b(cheaper|vs\.?|versus|compared?|context)\b", "上下文", "划算")))
        # (tokens told with a model ask no price unless one is asked: "my system prompt is ~3k tokens on glm-4.7, does
        # caching kick in?")
        or (s.tokens and (matches(text, COST, r"\b(bill|billed|charge|charged|spend|spent)\b", "多少钱", "费用", "花费", "扣多少")
                          or s.api_model and len(re.findall(r"[a-z0-9.-]+|[\u4e00-\u9fff]{1,2}", text)) <= 8))
        # ("2M input tokens on glm-4.7?" is all price; "系统提示词大概 5000 tokens…会自动缓存吗" asks none)
        or (s.api_model and matches(text, *PER_TOKEN_PRICE)))


PER_TOKEN_PRICE = (r"\b(per[ -](1m|million|mtok)|million tokens|per[ -]tokens?|api price|api pricing|input price|output price|"
                   r"(input|output) and (input|output) price)\b", "每百万", r"百万\s?tokens?", r"tokens?.{0,8}(一|每)百万",
                   r"每\s?(1\s?m|1\s?mtok|一?百万|1,?000,?000)\s?(tokens?)?(?![a-z])",  # "input / output 每 1M tokens 多少钱"
                   r"\bapi\s?(的)?\s?(价格|费用|收费|定价|单价)", "输入价格", "输出价格")


@register("api_cost", When(230, api_cost_asked),
          facts=("api.pricing_page", *(f"api.{model}" for model in sorted(API_MODELS))))
def api_cost(r: Reply, p: Parsed) -> str:
    model = p.slots.get("api_model")
    if p.slots.get("glm5") and not model:
        r.fact("api.pricing_page")
        if p.language == "zh":
            return ("文档中的价格页面没有列出 GLM-5，文档没有说明它的价格；请在 Z.ai 价格页面查看当前价格"
                    "（https://docs.z.ai/guides/overview/pricing）。")
        return ("The pricing page in the docs does not list GLM-5, so the docs don't say its price; check the current "
                "price on the Z.ai pricing page (https://docs.z.ai/guides/overview/pricing).")
    if model not in API_MODELS:
        r.clarify = True
        if p.language == "zh":
            return "哪个模型？价格页面列出了 GLM-4.7、GLM-4.6、GLM-4.5 及其衍生版本每百万 tokens 的价格。"
        return "Which model? The pricing page lists per-1M-token prices for GLM-4.7, GLM-4.6, GLM-4.5 and their variants."
    fact_id = f"api.{model}"
    price_in, price_cached, price_out = r.fact(fact_id)
    tokens = p.slots.get("tokens", {})
    name = _model_name(model)
    if not tokens:
        # each model the question names, in its order ("is glm-4.7-flash free? and glm-4.7-flashx per 1M tokens?")
        found = {m: hit.start() for m in API_MODELS if (hit := re.search(rf"(?<![\w.-]){re.escape(m)}(?![\w.-])", p.text))}
        named = sorted(found, key=found.get) or [model]
        # a model told with its own price in a statement ("budgeted at the GLM-4.7 output rate ($2.2).") and named
        # nowhere else is not asked again ("Is GLM-4.7 really $0.6?" and "GLM-4.7 output is $2.2, its input?" are)
        told = [m for m in named if len(re.findall(rf"(?<![\w.-]){re.escape(m)}(?![\w.-])", p.text)) == 1 and any(
            not sentence.rstrip().endswith(("?", "？")) and any(re.search(
                rf"(?<![\w.-]){re.escape(m)}(?![\w.-])[^$\n]{{0,40}}\${re.escape(number(v))}(?![\d])", sentence)
                for v in r.facts.value(f"api.{m}") if v)
            for sentence in re.split(r"(?<=[.?!？。])\s+", p.text))]
        named = [m for m in named if m not in told] or named
        return ("" if p.language == "zh" else " ").join(_price_line(r, m, p.language) for m in named[:3])
    total = r.calc("inp / 1e6 * pin + out / 1e6 * pout + cached / 1e6 * pcached",
                   inp=(tokens.get("input", 0), "question"), out=(tokens.get("output", 0), "question"),
                   cached=(tokens.get("cached", 0), "question"), pin=(price_in, f"fact:{fact_id}"),
                   pout=(price_out, f"fact:{fact_id}"), pcached=(price_cached, f"fact:{fact_id}"))
    if p.language == "zh":
        parts_zh = [f"{TOKEN_KINDS_ZH[k]} {number(tokens[k])} tokens" for k in ("input", "cached", "output") if tokens.get(k)]
        return (f"{money(total)}：{' + '.join(parts_zh)}，按 {name} 的通用 API 标价计算（输入 {listed(price_in)} / 输出 "
                f"{listed(price_out)} 每百万 tokens，美元）。在支持的编程工具中使用 Coding Plan 不按此计费。")
    parts = [f"{number(tokens[k])} {k} tokens" for k in ("input", "cached", "output") if tokens.get(k)]
    return (f"{money(total)}: {' + '.join(parts)} on {name} at {listed(price_in)} input / {listed(price_out)} output "
            "per 1M tokens (general API list prices, USD). Coding Plan usage in supported tools is not billed this way.")


FREE_MODELS = ("glm-4.7-flash", "glm-4.6v-flash", "glm-4.5-flash")


def free_models_asked(text: str, s: Slots) -> bool:
    """"Is there a free model on the general API?", "有没有免费的模型": the pricing page's free rows."""
    # (not a free trial of the plan, nor a free model's use on the plan's quota: the plan's own rules answer those)
    return matches(text, r"\bfree (models?|llms?|api models?)\b|\bmodels? (that )?(is|are) free\b|\bany (of the )?models? "
                         r"(for )?free\b|\b(which|what) models? (is|are|can i use) (for )?free\b",
                   r"免费(的)?(模型|大模型|api)", r"(哪些|哪个|有没有)模型.{0,6}免费") and not matches(
        text, r"\b(trial|quota|prompts?|coding plan|claude code|cline|opencode|kilo|roo|crush|goose|cursor)\b", "试用", "额度",
        "套餐")


@register("free_models", When(228, free_models_asked),
          facts=(*(f"api.{m}" for m in FREE_MODELS), *(f"context.{m}" for m in FREE_MODELS)))
def free_models(r: Reply, p: Parsed) -> str:
    names = {model: _model_name(model) for model in FREE_MODELS}
    for model in FREE_MODELS:
        r.fact(f"api.{model}")
    windows = {model: r.fact(f"context.{model}") for model in FREE_MODELS}
    listed = ", ".join(f"{names[m]} ({windows[m]} context)" for m in FREE_MODELS)
    listed_zh = "、".join(f"{names[m]}（上下文 {windows[m]}）" for m in FREE_MODELS)
    if p.language == "zh":
        return (f"价格页面把 {listed_zh} 列为免费（输入、缓存输入和输出都是 Free）。它们是通用 API 上的模型，不属于 Coding Plan "
                "套餐额度。")
    return (f"The pricing page lists {listed} as free on the general API: input, cached input and output are all "
            "\"Free\". They are models of the general API, not part of the Coding Plan's quota.")


def stream_usage_asked(text: str, s: Slots) -> bool:
    """"With stream=True every chunk has usage = None: where is it?", "流式模式下 usage 在哪拿？怎么判断流结束了？"."""
    return matches(text, r"\bstream(ing|ed)?\b|stream=true|\bsse\b", "流式") and matches(
        text, r"\busage\b|\btoken (count|usage|counts|counter)\b|\b(prompt|completion)_tokens\b|"
              r"\b(know|tell|detect|check)\b[^.?!\n]{0,20}\b(ends?|ended|finished|done)\b|\b(very )?(last|final) (line|chunk|event|"
              r"message|data)\b",
        "用量", r"token\s*(数|统计|用量)", r"(判断|知道).{0,8}(结束|完了)") and not matches(
        # (the plan's quota while streaming in a coding tool is no field of the API's stream)
        text, r"\btool_stream\b|\b(quota|plan|prompts?|limit)\b|claude code|\bcline\b|opencode|kilo|roo code|\bcrush\b|"
              r"\bgoose\b|cursor", "套餐", "额度")


@register("stream_usage", When(226, stream_usage_asked), facts=("stream.usage", "stream.finish_reason", "stream.done"))
def stream_usage(r: Reply, p: Parsed) -> str:
    r.fact("stream.usage")
    r.fact("stream.finish_reason")
    done = r.fact("stream.done")
    if p.language == "zh":
        return ("流式文档说：`usage`（token 用量统计）和 `choices[0].finish_reason`（结束原因）都只出现在最后一个 chunk 里；"
                f"API 参考还说，事件流结束时会返回一条 `{done}` 消息。所以前面的 chunk 里 usage 为空是正常的。")
    return ("The streaming guide: `usage` (token usage statistics) and `choices[0].finish_reason` (the completion reason) "
            f"only appear in the last chunk; the API reference adds that a `{done}` message is returned when the event "
            "stream ends. Earlier chunks carrying no usage is expected.")


def _model_name(model: str) -> str:
    return model.upper().replace("FLASHX", "FlashX").replace("FLASH", "Flash").replace("AIRX", "AirX").replace("AIR", "Air")


def listed(price: float) -> str:
    """A list price as the pricing page writes it: "$0.6", "$2.2", "$0.11", "$0.015" (a total is money(): "$29.00")."""
    return f"${price:g}" if price < 1000 else f"${number(price)}"


def _price_line(r: Reply, model: str, language: str) -> str:
    """One model's per-token prices; a model the pricing page marks "Free" is said to be free."""
    price_in, price_cached, price_out = r.fact(f"api.{model}")
    name = _model_name(model)
    if price_in == price_cached == price_out == 0:
        return (f"{name}：免费（价格页面的输入、缓存输入和输出都标为 Free，通用 API）。" if language == "zh" else
                f"{name}: free (the pricing page lists its input, cached input and output as \"Free\", general API).")
    if language == "zh":
        return (f"{name}：输入每百万 tokens {listed(price_in)}，缓存输入每百万 tokens {listed(price_cached)}，输出每百万 tokens "
                f"{listed(price_out)}（美元，通用 API 按量付费）。")
    return (f"{name}: {listed(price_in)} per 1M input tokens, {listed(price_cached)} per 1M cached input tokens, "
            f"{listed(price_out)} per 1M output tokens (USD, general API pay-as-you-go).")


def web_search_tool_price_asked(text: str, s: Slots) -> bool:
    if matches(text, r"\bmcp\b") and not matches(text, r"\b(built-in|general api|per (call|use))\b", "内置", "通用"):
        return False  # the plan's web search MCP server ("pay extra for the web search MCP"), not the API's built-in tool
    return matches(text, r"\bweb search\b", "联网搜索", "网络搜索") and matches(text, COST) and matches(
        text, r"\b(api|per (call|use)|tool|built-in)\b", "每次", "工具", "内置")


@register("api_tool_price", When(120, web_search_tool_price_asked), facts=("api.web_search",))
def api_tool_price(r: Reply, p: Parsed) -> str:
    price = r.fact("api.web_search")
    if p.language == "zh":
        return (f"每次 {money(price)}：通用 API 内置的 Web Search 工具按每次调用 {money(price)}（美元）计费。Coding Plan 的联网"
                "搜索 MCP 则使用套餐的每月额度。")
    return (f"{money(price)} per use: the built-in Web Search tool on the general API is billed at {money(price)} "
            "per call (USD). The Coding Plan's web search MCP uses the plan's monthly quota instead.")


IMAGE_MODELS = {"glm-image": "GLM-Image", "cogview-4": "CogView-4"}


def image_price_asked(text: str, s: Slots) -> bool:
    """"GLM-Image vs CogView-4: what's the per-image price of each?", "单张分别多少钱": the pricing page's per-image table."""
    # the price asked of the model, in its sentence, or per image ("...GLM-Image 和 CogView-4 两个。单张分别多少钱？");
    # "What's the Lite plan's price? I also call CogView-4 on the API" asks Lite's
    model = r"(glm-image|cogview-?4)"
    price = r"(\bprice|\bpricing|\bcost|how much|多少钱|价格|单价)"
    plan = r"\b(lite|pro|max|plan|subscription)\b|套餐|包月|包年"  # ("How much does the Pro plan cost, and can it call CogView-4?")
    return matches(text, model) and (matches(text, r"\bper[- ]image\b|\beach image\b", "单张", "每张", "一张") or any(
        re.search(model, sentence) and re.search(price, sentence) and not re.search(plan, sentence)
        for sentence in re.split(r"[.?!。？！\n]", text)))


@register("image_price", When(118, image_price_asked), facts=tuple(f"api.image.{m}" for m in IMAGE_MODELS))
def image_price(r: Reply, p: Parsed) -> str:
    named = [m for m in IMAGE_MODELS if re.search(rf"\b{m.replace('-', '-?')}\b", p.text)] or list(IMAGE_MODELS)
    prices = {m: r.fact(f"api.image.{m}") for m in named}
    count = next((int(c) for c in re.findall(r"(?<![\d.$])(\d{2,5})\s*(?:images?|pictures?|张|幅)", p.text)), None)
    totals = {m: r.calc("count * price", count=(count, "question"), price=(v, f"fact:api.image.{m}"))
              for m, v in prices.items()} if count else {}
    if p.language == "zh":
        return ("价格页面按张计价（美元，通用 API）：" + "，".join(f"{IMAGE_MODELS[m]} 每张 {listed(v)}" for m, v in prices.items())
                + (f"；{count} 张分别约为 " + "、".join(f"{IMAGE_MODELS[m]} {money(t)}" for m, t in totals.items()) if totals
                   else "") + "。")
    return ("The pricing page prices image generation per image (USD, general API): " + ", ".join(
        f"{IMAGE_MODELS[m]} {listed(v)}" for m, v in prices.items()) + (
        f"; {count} images come to " + " and ".join(f"{money(t)} on {IMAGE_MODELS[m]}" for m, t in totals.items())
        if totals else "") + ".")


CODING_TOOLS = ("cline", "roo code", "kilo code", "opencode", "open code", "crush", "cursor", "factory droid", "droid",
                "trae", "eigent", "gemini cli", "grok cli", "cherry studio")


# An endpoint in a region: "is there an EU endpoint?", "美国节点", "a server closer to Europe"
REGIONAL = (r"\b(eu|europe(an)?|usa|us-(east|west)|north american?|asian?|japan(ese)?|regional|closer|nearer|nearest)\s+"
            r"(endpoints?|regions?|servers?|nodes?|data ?cent(er|re)s?)\b|\b(endpoints?|servers?|nodes?|regions?|data ?cent(er|re)s?)"
            r"\s+(in|for|near|closer to)\s+(the\s+)?(eu|europe|usa|u\.s\.|asia|japan|north america)\b|\b(another|other) regions?\b",
            r"(欧洲|美国|美区|欧区|亚洲|日本|其他地区)(的)?\s*(节点|端点|接口地址|服务器|region|endpoint|机房)")


def regional_endpoint_asked(text: str, s: Slots) -> bool:
    return matches(text, *REGIONAL) and not matches(text, r"\b(price|pricing|cost|tax|vat|currency|data)\b", "价格", "数据")


@register("regional_endpoint", When(209, regional_endpoint_asked),
          facts=("endpoint.anthropic", "endpoint.coding", "overview.singapore"))
def regional_endpoint(r: Reply, p: Parsed) -> str:
    anthropic, coding = r.fact("endpoint.anthropic"), r.fact("endpoint.coding")
    r.fact("overview.singapore")
    if p.language == "zh":
        return (f"文档给出的套餐接口地址都在 api.z.ai 上（Claude Code 用 {anthropic}，其他编程工具用 {coding}），产品概览页说 "
                "Z.ai 的所有服务都位于新加坡（“All Z.ai services are based in Singapore”）；文档没有提到其他地区（欧洲、美国等）的节点或接口地址。")
    return (f"The plan's endpoints in the docs are all on api.z.ai ({anthropic} for Claude Code, {coding} for other "
            "coding tools), and the overview says \"All Z.ai services are based in Singapore\"; they don't mention regional "
            "endpoints (EU, US or elsewhere).")


def endpoint_asked(text: str, s: Slots) -> bool:
    """Which base URL a tool needs; an MCP server's or thinking mode's endpoint is another page's question."""
    asked = matches(text, r"\b(what|which|where|give me)\b.{0,40}\b(endpoint|base ?url|api url|api host|baseurl|url)\b|"
                          r"\b(endpoint|base ?url|api url|api host|baseurl)\b.{0,12}\b(for|of|in|to use|do i use)\b",
                    "地址", "端点") or (matches(text, r"\b(endpoint|base ?url|api url|api host|baseurl)\b") and any(
                        tool in text for tool in SUPPORTED_TOOL_NAMES))
    # (a base URL told as already set, "Base URL 已经是 .../coding/paas/v4", "base url is already ...", asks no URL)
    already = matches(text, r"\b(base ?url|endpoint)\b.{0,12}\b(is )?(already|now) (set|is|using|points?|pointing|fixed|correct)\b",
                      r"(base ?url|地址|端点).{0,6}(已经是|已经设|已经填|已经改|已改成|已经用)")
    return asked and not already and not matches(text, r"\b(mcp|thinking|web search|reader|vision|zread|e-?mail|page|website)\b",
                                                 "邮箱", "页面", "网页", "官网", "邮寄")


@register("endpoint", When(210, endpoint_asked),
          facts=("endpoint.anthropic", "endpoint.coding", "endpoint.general", "tool.others.openai"))
def endpoint(r: Reply, p: Parsed) -> str:
    anthropic = r.fact("endpoint.anthropic")
    coding = r.fact("endpoint.coding")
    text = p.text
    if "claude code" in text or "goose" in text:
        tool = "Claude Code" if "claude code" in text else "Goose"
        if p.language == "zh":
            return f"{tool} 使用 Anthropic 兼容端点 {anthropic}，配合你的 Z.ai API Key。"
        return f"{tool} uses the Anthropic-compatible endpoint {anthropic} with your Z.ai API key."
    for tool in CODING_TOOLS:
        if tool in text:
            tool = TOOL_NAMES.get(tool.replace(" ", "-"), tool.title())  # as the docs write it: "Grok CLI", "OpenCode"
            if p.language == "zh":
                return f"在 {tool} 中使用 Coding Plan 端点 {coding}（不是通用 API），配合你的 Z.ai API Key。"
            return (f"Use the Coding Plan endpoint {coding} in {tool} (not the general API), with your Z.ai "
                    "API key.")
    general = r.fact("endpoint.general")
    r.fact("tool.others.openai")
    if p.language == "zh":
        return (f"Claude Code 和 Goose：{anthropic}。其他编程工具（Cline、Kilo Code、Roo Code、OpenCode、Crush、Cursor 等）："
                f"{coding}；任何支持 OpenAI 协议的工具都可以使用这个 base URL 和模型 GLM-4.7。通用 API（{general}）单独计费，"
                "不使用套餐额度。")
    return (f"Claude Code and Goose: {anthropic}. Other coding tools (Cline, Kilo Code, Roo Code, OpenCode, Crush, "
            f"Cursor, ...): {coding}; any tool that speaks the OpenAI protocol works with that base URL and the model "
            f"GLM-4.7. The general API ({general}) is billed separately and does not use the plan.")


def supported_tools_asked(text: str, s: Slots) -> bool:
    return matches(text, r"\bwhich (coding )?tools\b|\bsupported (coding )?tools\b|\btools (are )?supported\b|"
                         r"\b(what|which) (coding )?tools\b.*\bsupport", r"支持哪些.{0,6}工具",
                   r"哪些.{0,6}工具.{0,6}(支持|能用|可以用)") or (
        matches(text, r"\b(work with|work in|works with|works in|support|supports|compatible with|use it (with|in))\b")
        and any(tool in text for tool in SUPPORTED_TOOL_NAMES) and matches(text, r"\b(plan|coding plan|subscription)\b")
        # asked, not told: "the same key works in Claude Code" reports a failure elsewhere
        and matches(text, r"\?|^\s*(does|do|will|would|can|could|is|are)\b|\b(which|whether|if)\b")) or (
        # "Cursor 能用 Coding Plan 吗？"; a model named makes it a model question ("Claude Code 能用 Lite 套餐的 GLM-5 吗？")
        matches(text, "能用", "可以用", "支持", "兼容", "适用") and any(tool in text for tool in SUPPORTED_TOOL_NAMES)
        and matches(text, r"\b(plan|coding plan|subscription)\b", "套餐", "订阅") and not s.glm5 and not matches(text, "模型"))


_USE_ASK = (r"\b(can|could|may) (i|we) (use|run|connect|plug|integrate|put)\b|\b(is|are) (it|this|that) (allowed|ok|okay|fine|"
            r"permitted|against the (terms|rules))\b|\ballowed to use\b|\b(does|will|would) (the |my )?(coding )?plan work (with|in|for|"
            r"on)\b|\bis (the |my )?(coding )?plan (ok|okay|allowed|fine|suitable|usable|meant) (for|to|in|with)\b|"
            r"\b(can|could|may) (the |my )?(coding )?plan( key)? be used\b|\b(using|use) (the |my )?(glm )?(coding )?plan (with|in|for|on)\b"
            r".{0,40}\b(banned|ban|allowed|ok|okay|against|violat\w*)\b")
# "Does this support the GLM coding plan?", "Is the coding plan supported?": whether it may be used here at all
_SUPPORT_HERE = (r"^\W*(does|do|will|can) (this|it|the (app|tool|project|plugin|extension))( \w+)? support(ed|s)? (the |a )?(glm |z\.?ai |"
                 r"zhipu )?coding plan\s*\??\s*$|^\W*(is|are) (the )?(glm |z\.?ai |zhipu )?coding plans? (supported|usable)\s*(here|yet|"
                 r"in this \w+|by this \w+)?\s*\??\s*$")
_USE_ASK_ZH = (r"在.{1,15}(里|中).{0,8}(用|使用|接入).{0,8}(coding ?plan|套餐)", r"(coding ?plan|套餐).{0,10}(接入|用在|用于).{1,15}(吗|么|？|\?)",
               r"(coding ?plan|套餐).{0,4}(的)?\s*(key|密钥|api ?key).{0,6}在.{1,15}(里|中)",
               # "请问可以用 coding plan 的 api 吗", "是否能支持智谱的 Coding Plan": whether it may be used here at all
               r"(可以|能|能否|是否能|是否可以|能不能)(用|使用|接入|支持)\s*(智谱|zhipu|z\.?ai)?的?\s*(glm)?\s*(coding ?plan|编码套餐|编程套餐)(的)?"
               r"\s*(api|key|密钥)?\s*(吗|么|[？?]|$)")
_PLAN_WORDS = r"\b(coding plan|the plan|my plan|plan key|plan'?s key|subscription|glm coding)\b"


def use_scope_asked(text: str, s: Slots) -> bool:
    """"Can I use the plan in an Obsidian plugin?", "沉浸式翻译里可以用 coding plan 吗": a use the docs don't name. Their FAQ
    says what the quota is for; a named coding tool, a model, a device, a person or a time is another rule's question."""
    if not (matches(text, _USE_ASK) and matches(text, _PLAN_WORDS) and matches(text, r"\b(in|inside|for|with|on|into|to)\b")
            or matches(text, _SUPPORT_HERE, *_USE_ASK_ZH)):
        return False
    return not matches(
        text, *(rf"(?<![a-z]){re.escape(t)}(?![a-z])" for t in SUPPORTED_TOOL_NAMES),
        r"(?<![a-z])(glm-?\d|models?|mcp|vision|web search|reader|zread)(?![a-z])", r"\b(endpoints?|urls?|base ?url|protocol|"
        r"anthropic|openai|same (api )?key|pay[- ]as[- ]you[- ]go)\b", r"\b(which|what) (coding )?tools\b", "哪些工具",
        r"\b(computers?|devices?|machines?|laptops?|accounts?|"
        r"team|colleagues?|friends?|family|wife|husband)\b", r"\b(after|before|when|expire\w*|renew\w*|cancel\w*|refund\w*|"
        r"upgrad\w*|downgrad\w*|trial)\b", rf"\b({PLACES_AND_PLATFORMS.pattern})\b",
        r"\bin (china|the us|usa)\b|\b(my country|country|region|abroad|travel\w*|windows|linux|mac ?os|proxy)\b", "日本", "国外",
        "出国",
        "模型", "电脑", "设备", "同事", "朋友", "国内", "海外", "过期", "续费", "退款", "升级", "多少", "几次", "额度", "次数")


@register("use_scope", When(219, use_scope_asked), facts=("faq.designated", "tools.supported", "api.billed_separately",
                                                           "endpoint.general"))
def use_scope(r: Reply, p: Parsed) -> str:
    r.fact("faq.designated")
    tools = r.fact("tools.supported")
    r.fact("api.billed_separately")
    general = r.fact("endpoint.general").rsplit("/chat", 1)[0]
    if p.language == "zh":
        return ("FAQ 说：GLM Coding Plan 的额度仅限在 Z.ai 指定或认可的编程/IDE 工具（如 Claude Code、Kilo Code 等）中，用于本地 IDE 或"
                f"终端里的个人编程辅助。它列出的支持工具是 {'、'.join(tools)}；文档没有说明其他工具或用途是否算在内。把模型接入你自己的"
                f"应用、机器人或其他系统，文档给出的是按量付费的 API（{general}），与套餐分开计费。你的用法是否可以，请咨询 Z.ai 客服。")
    return ("The FAQ: \"The GLM Coding Plan quota is only intended to be used within coding/IDE tools designated or "
            "recognized by Z.ai (such as Claude Code, Kilo Code, etc.) for personal code-assistance scenarios in your local "
            f"IDE or terminal.\" The supported tools it lists are {', '.join(tools)}; the docs don't say whether other tools "
            "or uses count. For your own applications, bots or other systems, the docs point to the pay-as-you-go API "
            f"({general}), billed separately from the plan. Z.ai support can say whether your use counts.")


def also_listed(text: str, tools: list[str], pack: list[str]) -> list[str]:
    """Tools the message names that only the FAQ's other list ("The pack currently supports ..., OpenClaw and more")
    has ("Open Code" in one list is "OpenCode" in the other)."""
    known = {t.lower().replace(" ", "") for t in tools}
    return [t for t in pack if t.lower().replace(" ", "") not in known
            and re.search(rf"(?<![a-z]){re.escape(t.lower())}(?![a-z])", text.lower())]


@register("supported_tools", When(220, supported_tools_asked), facts=("tools.supported", "tools.shared_quota",
                                                                       "tools.pack_supports"))
def supported_tools(r: Reply, p: Parsed) -> str:
    tools = r.fact("tools.supported")
    r.fact("tools.shared_quota")
    extra = also_listed(p.text, tools, r.facts.value("tools.pack_supports"))
    if extra:  # "is OpenClaw a supported tool?": the FAQ's other answer names it
        r.fact("tools.pack_supports")
    said = r.facts.words("tools.pack_supports", r".+") if extra else ""
    if p.language == "zh":
        return ("Coding Plan 支持 " + "、".join(tools) + "。这些工具共享你套餐的额度。" + (
            f"FAQ 对“Which coding tools are supported?”的回答还列出了 {'、'.join(extra)}：“{said}”" if extra else ""))
    return ("The Coding Plan supports " + ", ".join(tools) + ". All of them share your plan's quota." + (
        f" The FAQ's answer to \"Which coding tools are supported?\" also lists {', '.join(extra)}: \"{said}\"" if extra
        else ""))


def claude_mapping_asked(text: str, s: Slots) -> bool:
    """"haiku" alone is a poem: the mapping question names a model, a mapping or Claude Code with it."""
    if matches(text, r"\bhow many (prompts?|times|requests)\b", "多少次", "几次", "多少个 prompt", "多少条") and not matches(
            text, r"\b(map|maps|mapped|mapping|default)\b", "映射", "默认"):
        return False  # "把 opus 换成 glm-5…如果 5 小时里全用 GLM-5，大概能发多少次 prompt？": a count asked, the change told
    mapping = matches(text, r"\b(map|maps|mapped|mapping|default|anthropic_\w+)\b", "映射", "默认")
    # "Is GLM-5 better than Claude Sonnet 4.5?" compares the models; it asks nothing about Claude Code's mapping
    compared = matches(text, r"\b(better|worse|compar\w*|vs\.?|versus|than|benchmark\w*|smarter|stronger)\b", "对比",
                       "相比", "比")
    # "为什么 claude code 显示的还是 claude 的模型名", "Claude Code still shows a Claude model name"
    shown = "claude code" in text and matches(text, r"\b(shows?|showing|displays?|still says)\b.{0,30}\b(claude|sonnet|opus|"
                                                     r"haiku)\b.{0,20}\bmodel", r"(显示|看到).{0,10}(claude|sonnet|opus|haiku)"
                                                     r".{0,8}(模型)")
    # "配置 claude code 所有模型都是 glm-5.1，但是看后台记录还是有大量请求是 glm-4.7": which model a request goes to is the mapping
    other_model = "claude code" in text and len(set(re.findall(r"glm-?(\d(?:\.\d)?)", text))) >= 2 and matches(
        text, r"\b(still|but)\b.{0,60}\bglm-?\d", r"(还是|仍然|依然|但是).{0,30}glm-?\d") and matches(
        text, r"\b(usage|logs?|records?|dashboard|requests?|billing|stats|statistics)\b", "后台", "记录", "请求", "统计", "用量")
    return shown or other_model or (matches(text, r"\b(opus|sonnet|haiku)\b") and (mapping or (matches(
        text, r"\b(model|models|glm|claude)\b", "模型") and not compared))) or (
        matches(text, r"\bclaude code\b") and matches(text, r"\bdefault model|model mapping|which models?\b", "默认模型",
                                                       "模型映射", "映射"))


# Back to the defaults, or following them as they change: "I just want whatever the current defaults are and to keep
# getting updates automatically", "想让它自动跟着用最新的默认模型", "go back to the defaults without guessing model names"
LATEST_DEFAULTS = (r"\b(latest|current|newest)\b.{0,12}\bdefaults?\b|\bwhatever\b.{0,25}\bdefaults?\b|\b(back|revert|reset|return)"
                   r"\w*\b.{0,20}\b(to )?(the )?defaults?\b|\b(keep|stay)\w*\b.{0,25}\b(updat\w*|up to date|latest)\b.{0,25}"
                   r"\bautomatic\w*|\bautomatic\w*\b.{0,30}\b(latest|new(est)?|updat\w*|follow\w*)\b.{0,20}\bmodels?\b|"
                   r"\bwithout (having to )?(edit|chang|updat|touch)\w*\b.{0,40}\b(every|each) time\b",
                   r"(自动|跟着|跟随).{0,12}(最新|默认)|(恢复|回到|改回|还原).{0,6}默认|最新的?默认")


def latest_defaults_asked(text: str, s: Slots) -> bool:
    """A mapping fixed by hand in Claude Code's settings, and the defaults wanted back, now and as they change."""
    return matches(text, *LATEST_DEFAULTS) and matches(text, r"anthropic_default|\b(opus|sonnet|haiku)\b|model mapping|"
                                                               r"settings\.json", "映射")


# "which model is it using right now?", "how do I check the model": Claude Code's own command for it
CHECK_MODEL = (r"\b(which|what) model\b.{0,30}\b(using|use|running|in use|active|right now)\b|\b(check|see|tell|verify|"
               r"confirm)\b.{0,30}\b(current |which |the )?model\b", r"(查看|确认|看).{0,8}(当前)?(用的|使用的)?(是)?(哪个|什么)?模型")
# "my 5h window is gone in an hour and a half with glm-5": the quota goes faster on GLM-5
DRAINS = (r"\b(gone|drain\w*|burn\w*|eat\w*|runs? out|ran out|used up|faster|lasts?|lasted)\b",
          r"用得(很)?快|消耗(得)?(很)?快|用完")


@register("claude_mapping", When(199, latest_defaults_asked), When(200, claude_mapping_asked),
          facts=("claude.opus", "claude.sonnet", "claude.haiku", "models.lite_no_glm5", "models.lite_glm5_error",
                 "claude.status", "models.glm5_multiplier", "claude.latest_defaults"))
def claude_mapping(r: Reply, p: Parsed) -> str:
    text = _claude_mapping(r, p)
    if latest_defaults_asked(p.text, p.slots):
        r.fact("claude.latest_defaults")
        text = ("想用最新的默认映射（之前配置过旧映射的老用户），Claude Code 页面说：删除 settings.json 里的模型映射配置（"
                "ANTHROPIC_DEFAULT_*_MODEL 这几行）即可，Claude Code 会自动使用最新的默认模型。\n" + text
                if p.language == "zh" else
                "To use the latest default mappings (for existing users who configured old model mappings), the Claude "
                "Code page says to delete the model mapping configuration (the ANTHROPIC_DEFAULT_*_MODEL lines) in "
                "settings.json: Claude Code then automatically uses the latest default models.\n" + text)
    if matches(p.text, *CHECK_MODEL):
        command = r.fact("claude.status")
        text += (f" 在 Claude Code 中输入 `{command}` 可以查看当前使用的模型。" if p.language == "zh" else
                 f" In Claude Code, enter `{command}` to check the current model status.")
    if p.slots.get("glm5") and matches(p.text, *DRAINS):
        rate = r.fact("models.glm5_multiplier")
        lead = (f"GLM-5 消耗套餐额度的速度是之前模型的 {rate} 倍（FAQ）。" if p.language == "zh" else
                f"GLM-5 consumes the plan's quota {rate} times as fast as earlier models (FAQ). ")
        text = lead + text
    return text


def _claude_mapping(r: Reply, p: Parsed) -> str:
    opus, sonnet, haiku = r.fact("claude.opus"), r.fact("claude.sonnet"), r.fact("claude.haiku")
    if p.slots.get("glm5") and p.slots.get("plans") and set(p.slots["plans"]) == {"lite"} and matches(
            p.text, r"(opus|sonnet|haiku|model)\w*\W{0,6}glm-?5\b",
            r"glm-?5\b.{0,60}\b(error|errors|fail\w*|rejected)\b", r"glm-?5.{0,30}(报错|失败|不能用|用不了)"):
        # "GLM-5 on Lite -> every opus request errors": the plan they named has no GLM-5, whatever the mapping says
        r.fact("models.lite_no_glm5")
        r.fact("models.lite_glm5_error")
        if p.language == "zh":
            return (f"Lite 套餐目前不包含 GLM-5 额度，所以在 Lite 上把模型映射为 GLM-5 会报错；请把 ANTHROPIC_DEFAULT_OPUS_MODEL "
                    f"等改回默认映射（Opus → {opus}，Sonnet → {sonnet}，Haiku → {haiku}）。")
        return (f"The Lite plan currently does not include GLM-5 quota, so a model mapped to GLM-5 on Lite returns an "
                f"error: set ANTHROPIC_DEFAULT_OPUS_MODEL back to the default mapping (Opus → {opus}, Sonnet → "
                f"{sonnet}, Haiku → {haiku}).")
    if p.language == "zh":
        return (f"Claude Code 的默认映射：ANTHROPIC_DEFAULT_OPUS_MODEL → {opus}，ANTHROPIC_DEFAULT_SONNET_MODEL → {sonnet}，"
                f"ANTHROPIC_DEFAULT_HAIKU_MODEL → {haiku}。Pro 或 Max 套餐可以在 ~/.claude/settings.json 中自行把模型改为 "
                "“GLM-5”。")
    return (f"Claude Code's default mapping: ANTHROPIC_DEFAULT_OPUS_MODEL → {opus}, ANTHROPIC_DEFAULT_SONNET_MODEL → "
            f"{sonnet}, ANTHROPIC_DEFAULT_HAIKU_MODEL → {haiku}. On Pro or Max you can set a model to \"GLM-5\" "
            "yourself in ~/.claude/settings.json.")


def shared_quota_asked(text: str, s: Slots) -> bool:
    """"Do Claude Code and Cline each get their own quota, or is it one pool?" """
    tools = sum(tool in text for tool in SUPPORTED_TOOL_NAMES)
    several = tools >= 2 or matches(text, r"\b(each|every|all|different|multiple|several) (coding )?tools?\b",
                                    r"(多个|所有|不同|各个|每个|几个)(编程|编码)?工具")
    # "use it with both Claude Code and OpenCode at the same time, is that allowed?": one person, several tools
    at_once = tools >= 2 and matches(text, r"\buse (them |it |the plan )?(both|at the same time|simultaneously|in parallel)\b|"
                                           r"\b(both|at the same time|simultaneously)\b.{0,40}\b(allowed|permitted|banned)\b",
                                     "同时") and matches(text, r"\b(allowed|ok|okay|can i|permitted|fine|banned)\b", "可以",
                                                        "允许") and not matches(text, r"\b(api keys?|better|which is)\b", "哪个")
    return at_once or several and \
        matches(text, r"\b(quota|quotas|pool|pot|bucket|buckets|limit|limits|usage)\b", "额度", "用量") and \
        matches(text, r"\b(own|separate|separately|share|shared|sharing|same|one (pool|pot|bucket)|each|combined|together)\b", "共享",
                "共用", "分开", "单独", "各自", "同一", "各算", "分别算", "一起算", "合在一起")


@register("shared_quota", When(215, shared_quota_asked), facts=("tools.shared_quota", "quota.refresh", "quota.lite",
                                                                "quota.pro", "quota.max"))
def shared_quota(r: Reply, p: Parsed) -> str:
    r.fact("tools.shared_quota")
    if re.search(r"\b(allowed|permitted|banned|ban|ok|okay)\b|允许|封号|可以", p.text):  # several tools at once, allowed?
        if p.language == "zh":
            return ("文档描述的就是在多个支持的编程工具中使用套餐：这些工具共用你订阅的同一份额度（5 小时额度和每周额度）。"
                    "文档没有提到因同时使用多个工具而封号。")
        return ("Using the plan in several supported coding tools is what the docs describe: they all share the same "
                "quota under your subscription (the 5-hour and weekly limits). The docs say nothing about bans for "
                "using more than one tool.")
    plans = list(dict.fromkeys(p.slots.plans))
    # the plan held, when one is named: its figure is the one pool's ("Lite (~80/5h): does each tool get its own ~80?")
    held = r.fact(f"quota.{plans[0]}") if len(plans) == 1 and f"quota.{plans[0]}" in r.facts.by_id else None
    if p.language == "zh":
        window = r.fact("quota.refresh")
        pool = f"（{plans[0].capitalize()} 套餐一共约 {held} 次提示）" if held else ""
        return (f"共用一个额度：你订阅下所有支持的编程工具共享同一份用量额度，Claude Code、Cline 或其他任何工具发出的提示，都计入"
                f"同样的每 {window} 小时额度{pool}和每周额度。")
    pool = f" ({plans[0].capitalize()}: up to ~{held} prompts every 5 hours in all)" if held else ""
    return ("One pool: all supported coding tools share the same usage quota under your subscription, so prompts from "
            f"Claude Code, Cline or any other tool count against the same 5-hour{pool} and weekly limits.")


# Which tools the helper configures: "which tools can it set up?", "does it set up Cline too?", "支持哪些工具"
HELPER_TOOLS_ASK = (r"\b(which|what) (coding )?(tools|clis?|agents|editors)\b", r"\b(set ?up|setup|configure|support|work with|"
                    r"handle)s?\b.{0,20}\b(cline|goose|roo( code)?|kilo( code)?|cursor|trae|eigent|zed|cherry studio)\b",
                    r"(支持|能配置|可以配置|能装|会配置)(哪些|什么)(工具|编程工具)", r"(支持|能配置|可以配置)\s*(cline|goose|roo|kilo|cursor|trae)")


# "不走交互向导，一行命令把 key 写进去", "set the key without the wizard, from a script": the helper's direct auth command
KEY_DIRECT = (r"\b(without|skip\w*|no|bypass\w*|instead of)\b.{0,20}\b(wizard|interactive\w*|prompts?|menus?)\b|"
              r"\bnon-?interactive\w*\b|\b(one|single) (command|line)\b|\b(in|from|into|for) (a|my|our|the) (\w+ )?(script|dotfiles)\b",
              r"不走.{0,4}(交互|向导)|跳过.{0,4}(交互|向导)|一(行|条)命令|写进.{0,10}脚本|非交互")
WHERE_STORED = (r"\b(which|what) (local )?(file|folder|path)\b|\bwhere\b.{0,30}\b(stored|saved|kept|store|save|keep)\b",
                "哪个文件", "存在哪", "存哪", "存到哪", "保存在哪", "什么路径")
RELOAD_ASK = (r"\b(reload|re-?load|pick up|load (the )?(latest|new))\b", "重新加载", "加载最新", "生效")


def sets_key_directly(text: str) -> bool:
    """The helper's key set in one command, skipping its wizard (where the helper keeps the key is another question,
    which the docs don't answer; an error with the key is a failure, not this)."""
    # ("...npx @z_ai/coding-helper dies at the key step. Is there a non-interactive way to set the key for the helper?")
    return bool(CODING_HELPER.search(text) or re.search(r"\b(the|this) helper\b", text)) and matches(
        text, r"\b(key|token|auth)\b", "密钥", "key") and matches(
        text, *KEY_DIRECT) and not matches(text, *WHERE_STORED) and not matches(text, r"\b(error|fail\w*|invalid|denied)\b",
                                                                               "报错", "失败", "无效")


def coding_helper_asked(text: str, s: Slots) -> bool:
    if sets_key_directly(text):
        return True
    if CODING_HELPER.search(text) and matches(text, *HELPER_TOOLS_ASK):
        return True  # "does the coding-helper set up Cline too? which tools can it configure?": its page's list
    return (matches(text, r"\b(automatic\w*|one command|all (of )?my (coding )?tools|every tool|quickest|fastest|easiest)\b",
                    "自动", "一键") and matches(text, r"\b(set ?up|setup|configur\w*|install\w*|load)\b|\bset\b.{0,30}\bup\b",
                                               "配置", "安装")) or matches(  # "what does npx @z_ai/coding-helper do?"
        text, r"\bwhat (does|is) (the |npx )?(@z_ai/)?coding[- ]helper( do| for)?\b|\bcoding[- ]helper\b.{0,20}\b(do|does|for)"
              r"\b\s*\??$", r"coding.?helper.{0,10}(是什么|干什么|做什么)") and not matches(text, r"\b(error|fail\w*|enoent)\b",
                                                                                "报错", "失败")


@register("coding_helper", When(212, coding_helper_asked), facts=("tool.helper.command", "tool.helper.tools",
                                                                  "tool.helper.auth_direct", "tool.helper.auth_reload"))
def coding_helper(r: Reply, p: Parsed) -> str:
    if sets_key_directly(p.text):
        direct = r.fact("tool.helper.auth_direct")
        reload = r.fact("tool.helper.auth_reload") if matches(p.text, *RELOAD_ASK) else None
        if p.language == "zh":
            return (f"Coding Tool Helper 页面的命令列表里有：`{direct}`（选择 Global 套餐并直接设置 key，不用走向导）"
                    + (f"；`{reload}` 把最新的套餐配置加载到 Claude Code。" if reload else "。"))
        return (f"The Coding Tool Helper page's command list has `{direct}` (select the Global plan and set the key "
                "directly, no wizard)" + (f"; `{reload}` loads the latest plan into Claude Code." if reload else "."))
    command = r.fact("tool.helper.command")
    if matches(p.text, *HELPER_TOOLS_ASK):
        tools = r.fact("tool.helper.tools")
        listed = ", ".join(tools[:-1]) + " and " + tools[-1]
        if p.language == "zh":
            return (f"Coding Tool Helper（`{command}`）页面列出的当前支持的编程工具是：{'、'.join(tools)}；页面没有列出其他工具，"
                    "其他工具请按各自的配置页面手动设置。")
        return (f"The Coding Tool Helper (`{command}`) page lists the coding tools it currently supports: {listed}. It "
                "lists no others; set other tools up by hand from their own pages.")
    if p.language == "zh":
        return f"运行 `{command}`：Coding Tool Helper 会自动检测、安装并配置你的编程工具，让它们使用 GLM Coding Plan。"
    return (f"Run `{command}`: the Coding Tool Helper detects, installs and configures your coding tools with the "
            "GLM Coding Plan for you.")


def claude_install_asked(text: str, s: Slots) -> bool:
    if matches(text, r"\b(after|since) (installing|i installed|install)\b|\b(is|was|got) installed\b|\binstalled it\b|"
                     r"\bi('ve| have)? installed\b|\bplugins?\b|\bmarketplace\b|glm-plan-usage", "安装后", "装好", "安装了", "插件"):
        return False  # installing sets the scene; the ask is something else
    if CODING_HELPER.search(text):
        return False  # the Coding Tool Helper's own question (it installs Claude Code too)
    return "claude code" in text and matches(text, r"\binstall\w*\b|\bnode(\.js)? version\b|\bneed node(\.js)?\b|"
                                                   r"\bnode(\.js)?\b.{0,30}\bversion\b", "安装", r"node(\.js)?\s?.{0,4}版本")


# Installing without npm, with Cursor's help: "not familiar with npm but I have Cursor", "what do I type into Cursor"
WITH_CURSOR = re.compile(r"(not familiar with|never used|don'?t know|scare\w*|afraid of|no idea about).{0,20}\bnpm\b.{0,80}\bcursor\b|"
                         r"\bcursor\b.{0,40}\b(help|guide\w*|walk\w*|install\w*)\b|\b(type|enter|put)\w* (it )?into cursor\b|"
                         r"(不熟悉|没用过|不会).{0,6}npm.{0,40}cursor|cursor.{0,10}(引导|帮我?装|帮忙装)|在 ?cursor ?(里|中).{0,6}(输入|安装)",
                         re.I | re.S)


@register("claude_install", When(205, claude_install_asked),
          facts=("tool.claude-code.install", "tool.claude-code.node", "tool.claude-code.cursor_install",
                 "tool.claude-code.cursor_command"))
def claude_install(r: Reply, p: Parsed) -> str:
    if WITH_CURSOR.search(p.text):
        r.fact("tool.claude-code.cursor_install")
        typed = r.fact("tool.claude-code.cursor_command")
        if p.language == "zh":
            return (f"Claude Code 页面的 Cursor 引导安装：不熟悉 npm 但有 Cursor 的话，在 Cursor 里输入 `{typed}`，Cursor 会引导你"
                    "完成 Claude Code 的安装。之后把它指向套餐（在 ~/.claude/settings.json 中设置 ANTHROPIC_BASE_URL 和 "
                    "ANTHROPIC_AUTH_TOKEN）。")
        return ("The Claude Code page's Cursor guided installation: \"If you are not familiar with npm but have Cursor, you "
                "can enter the command in Cursor, and Cursor will guide you through the installation of Claude Code.\" "
                f"The command to enter in Cursor: `{typed}`. Then point it at the plan (ANTHROPIC_BASE_URL and "
                "ANTHROPIC_AUTH_TOKEN in ~/.claude/settings.json).")
    command, node = r.fact("tool.claude-code.install"), r.fact("tool.claude-code.node")
    if p.language == "zh":
        return (f"用 `{command}` 安装 Claude Code，需要 Node.js {node} 或更高版本。然后把它指向套餐（在 ~/.claude/settings.json "
                "中设置 ANTHROPIC_BASE_URL 和 ANTHROPIC_AUTH_TOKEN）。")
    return (f"Install Claude Code with `{command}`; it needs Node.js {node} or newer. Then point it at the plan "
            "(ANTHROPIC_BASE_URL and ANTHROPIC_AUTH_TOKEN in ~/.claude/settings.json).")


# What needs Node.js, by the names subscribers give it, and the fact holding the version its page requires
NODE_SUBJECTS = ((re.compile(r"\bclaude code\b|\bclaude-code\b|(?<![\w-])cc(?![\w'’-])", re.I), "tool.claude-code.node",
                  "Claude Code", "Claude Code"),
                 (re.compile(r"\bvision\b|zai-mcp-server|@z_ai/mcp-server|视觉|看图", re.I), "mcp.vision.node",
                  "the Vision MCP server (@z_ai/mcp-server)", "视觉理解 MCP（@z_ai/mcp-server）"),
                 (re.compile(r"glm-plan-usage|usage[\s-]query|usage plugin|用量查询", re.I), "usage.plugin.node",
                  "the usage query plugin", "用量查询插件"))
NODE_VERSION_ASKED = (r"\b(which|what|minimum|min|required|requires?|need|needs)\b[^.?!\n]{0,25}\bnode(\.js|js)?\b[^.?!\n]{0,15}"
                      r"\bversions?\b|\bnode(\.js|js)?\b[^.?!\n]{0,12}\b(version|versions)\b[^.?!\n]{0,30}\b(need|needed|required|"
                      r"requirement|minimum|supported|does it (need|require|want))\b|\bminimum node\b|\bnode(\.js|js)? requirements?\b",
                      r"node(\.js|js)?\s*(的)?\s*(最低)?\s*(版本)?\s*(要求|最低|至少)|(最低|至少|要求|需要)[^。？！\n]{0,16}node|"
                      r"node[^。？！\n]{0,12}(多少|哪个|什么)\s*(的)?\s*版本")


def node_version_asked(text: str, s: Slots) -> bool:
    """"Claude Code 和视觉 MCP 分别最低要求 Node 多少版本？": the version each named page requires."""
    named = [fact for pattern, fact, *_ in NODE_SUBJECTS if pattern.search(text)]
    if named == ["tool.claude-code.node"] and claude_install_asked(text, s):
        return False  # "怎么安装 Claude Code？需要什么版本的 Node？": the install answer gives both
    return bool(named) and matches(text, *NODE_VERSION_ASKED)


@register("node_version", When(125, node_version_asked), facts=tuple(fact for _, fact, _, _ in NODE_SUBJECTS))
def node_version(r: Reply, p: Parsed) -> str:
    named = [(r.fact(fact), en, zh) for pattern, fact, en, zh in NODE_SUBJECTS if pattern.search(p.text)]
    if p.language == "zh":
        return "各页面要求的 Node.js 版本：" + "；".join(f"{zh}{' ' * zh[-1].isascii()}需要 Node.js {v} 或更高版本"
                                                   for v, _, zh in named) + "。"
    return "The Node.js versions the pages require: " + "; ".join(f"{en} needs Node.js {v} or newer" for v, en, _ in named) + "."


def api_key_where_asked(text: str, s: Slots) -> bool:
    """"Where do I get my API key for the coding plan?": the Quick Start's API Keys page."""
    return matches(text, r"\b(where|how)\b.{0,30}\b(get|find|create|generate|obtain|make|see)\b.{0,25}\b(api[ _-]?keys?|keys?|"
                         r"tokens?(?! (usage|count|counts|used|limits?|prices?|pricing|statistics|stats)))\b|\bwhere\b.{0,20}\b(api[ _-]?keys?)\b|\b(multiple|several|more than one|another|a new|"
                         r"second|two|2) api[ _-]?keys\b|\b(rotate|regenerate|revoke|replace|reset)\b.{0,15}\b(api[ _-]?)?keys?\b|"
                         r"\b(api[ _-]?)?keys?\b.{0,20}\b(leaked|exposed|compromised)\b",
                   r"(在哪|哪里|怎么|如何).{0,8}(获取|创建|生成|拿到|找到|申请).{0,6}(api ?key|密钥|key)",
                   r"(api ?key|密钥).{0,6}(在哪|哪里|怎么(获取|生成|创建))") and not matches(
        text, r"\b(mcp|claude code|cline|opencode|roo|kilo|goose|crush|cursor|settings\.json|env)\b")


@register("api_key_where", When(208, api_key_where_asked), facts=("api.keys_page",))
def api_key_where(r: Reply, p: Parsed) -> str:
    page = r.fact("api.keys_page")
    several = re.search(r"\b(multiple|several|more than one|another|second|two|2) api[ _-]?keys\b", p.text)
    if several:  # how many keys, and how they divide the quota, is not stated
        if p.language == "zh":
            return (f"API Key 在账户控制台的 API Keys 页面（{page}）生成和管理；文档没有说明一个账户可以有几个 Key，也没有说明"
                    "多个 Key 之间如何分配套餐额度。")
        return (f"API keys are generated and managed on the API Keys page of your account dashboard ({page}); the docs "
                "don't say how many keys an account may have or how several keys divide the plan's quota.")
    if p.language == "zh":
        return f"订阅后进入账户控制台，点击 API Keys（{page}）生成新的 API Key；同一个页面也用来管理你的 Key。"
    return (f"After subscribing, go to your account dashboard and click API Keys ({page}) to generate a new API key; "
            "the same page manages your keys.")



CONTEXT_MODELS = ("glm-4.7", "glm-4.6", "glm-4.5-air", "glm-4.5", "glm-4.6v", "glm-4.5v", "glm-4.5-x", "glm-4.5-airx",
                  "glm-4.7-flashx", "glm-4.6v-flashx", "glm-4.7-flash", "glm-4.6v-flash", "glm-4.5-flash")  # the overview's rows


def context_window_asked(text: str, s: Slots) -> bool:
    """"What's GLM-4.7's context length on the plan?", "What context window size should I set in Cline?"."""
    size = r"context (window|length|size|limit)s?"
    return matches(text, rf"\b(what('s| is)|whats|how (big|large|long|much)|which|is there a|max\w*|size of|what .{{0,10}}"
                         rf"size)\b.{{0,30}}\b{size}\b|\b{size}\b.{{0,12}}\b(of|for|on|in) (the )?(glm|model|plan|coding plan|"
                         rf"cline)|\bmax(imum)? (input |context )?(tokens|length) (of|for) glm|\b{size} (size )?(should|do|would|did) (i|you|we) "
                         r"(set|use|put)\b",
                   r"上下文(窗口|长度)?.{0,4}(多大|多长|是多少|上限)", rf"\b{size}\b.{{0,8}}(应该|要|该)?(设|设置|填|调)(成|为|到)?多少") and not matches(
        text, r"\b(exceed\w*|over|too long|exceeds|differen\w*|same model|identical|clear|full|compact\w*|reset|free up|"
              r"happens)\b", "超出", "超过", "超长", "区别", "怎么看", "清空", "用了多少")


@register("context_window", When(236, context_window_asked), facts=(*(f"context.{m}" for m in CONTEXT_MODELS),
                                                                     "tool.cline.context"))
def context_window(r: Reply, p: Parsed) -> str:
    # (a Chinese word may follow the name: "glm-4.5v上下文多长？")
    named = [m for m in CONTEXT_MODELS if re.search(rf"\b{re.escape(m)}(?![a-z0-9_.-])", p.text)] or [
        "glm-4.7", "glm-4.6", "glm-4.5", "glm-4.5-air"]
    windows = [(_model_name(m), r.fact(f"context.{m}")) for m in named]
    # a model the models overview gives no window for (GLM-5, a later version): said, never guessed
    unstated = list(dict.fromkeys(m.group(0).upper().replace("GLM5V", "GLM-5.") for m in re.finditer(
        r"\bglm-5(?:v\d)?\b|\bglm5v\d\b", p.text)))
    missing_zh = f"文档没有给出 {'、'.join(unstated)} 的上下文窗口。" if unstated else ""
    missing = f" The docs don't state the context window of {' or '.join(unstated)}." if unstated else ""
    cline = ""
    if "cline" in p.text:
        size = r.fact("tool.cline.context")
        cline = (f" Cline 的设置页要求把 Context Window Size 设为 {size}。" if p.language == "zh" else
                 f" The Cline page says to set Context Window Size to {size}.")
    if p.language == "zh":
        return (cline.strip() + " " if cline else "") + "上下文窗口（模型概览）：" + "；".join(
            f"{name} {window}" for name, window in windows) + "。" + missing_zh
    return ((cline.strip() + " " if cline else "") + "Context windows (models overview): " + "; ".join(
        f"{name} {window} tokens" for name, window in windows) + "." + missing)
