"""The retrieval query for an analysed message: the ask in the docs' words, never the paste.

Pasted logs and configs drown the question for BM25 and the embedding alike, so retrieval reads the ask plus
what the analysis found in the paste (the tool, the error code and its page wording, the MCP server). The
embedding model reads English only; a Chinese ask is carried by a glossary of the domain's terms (measured on
the real-message set: see eval/REPORT.md) and by the codes, tools and URLs it contains.
"""

from __future__ import annotations

import re
from typing import Sequence

from helpdesk.message import MCP_SERVERS, TOOL_NAMES, TOOLS, Message, is_chinese
from helpdesk.retrieval import terms

# Subscribers' Chinese words for what the docs name in English. Longest first, so 余额不足 wins over 余额.
GLOSSARY = {
    "余额不足": "insufficient balance arrears 1113", "欠费": "arrears recharge", "充值": "recharge balance",
    "错误码": "error code", "报错": "error", "错误": "error", "失败": "fails error", "无法使用": "not working",
    "不能用": "not working", "用不了": "not working", "配置": "configure configuration setup", "设置": "settings configure",
    "接入": "integrate configure base url", "安装": "install", "环境变量": "environment variables",
    "额度": "quota", "用量": "usage quota", "次数": "number of times quota", "套餐": "coding plan subscription",
    "订阅": "subscription", "包月": "monthly", "包季": "quarterly", "包年": "annual", "退款": "refund", "退钱": "refund",
    "续费": "renewal renew", "自动续费": "auto-renewal", "取消": "cancel", "升级": "upgrade", "降级": "downgrade",
    "价格": "price", "多少钱": "price cost", "费用": "fee cost", "发票": "invoice", "支付": "payment pay",
    "模型": "model", "联网搜索": "web search MCP", "网络搜索": "web search MCP", "搜索": "search",
    "网页读取": "web reader MCP", "读取网页": "web reader MCP", "视觉": "vision MCP", "图片": "image vision",
    "图像": "image vision", "识图": "image vision", "开源仓库": "zread repository", "每月": "monthly per month",
    "每个月": "monthly per month", "每周": "weekly", "周额度": "weekly quota", "5小时": "5 hours", "五小时": "5 hours",
    "并发": "concurrency", "速率": "rate limit", "限流": "rate limit", "限速": "rate limit", "频率": "frequency rate limit",
    "过期": "expired", "到期": "expired", "端点": "endpoint base url", "地址": "base url endpoint", "密钥": "API key",
    "邀请": "invite referral", "积分": "credits", "提现": "withdraw", "思考": "thinking", "深度思考": "thinking mode",
    "保留思考": "preserved thinking enable", "打开": "enable turn on", "开启": "enable turn on",
    "流式": "streaming", "插件": "plugin", "工具": "tools", "账号": "account", "账户": "account", "国际版": "international",
    "旗舰": "max", "专业": "pro", "轻量": "lite", "隐私": "privacy data", "数据": "data", "上下文": "context window",
    "登录": "login log in", "登陆": "login log in", "余额": "account balance", "扣费": "deducted charged",
    "扣": "deducted", "权限": "access permission", "开通": "subscribe enable", "文件": "file", "怎么办": "fix",
    "要求": "asks requires", "查询": "query check", "剩余": "remaining", "使用量": "usage", "刷新": "refresh reset",
    "重置": "reset", "限制": "limit", "上限": "limit", "图片识别": "image vision", "识别": "recognition",
    "命令": "command", "安装": "install", "版本": "version", "更新": "update", "切换": "switch", "默认": "default",
    "映射": "mapping", "环境": "environment", "终端": "terminal", "客服": "customer support", "人工": "support person",
    "无权限": "no access permission", "不支持": "not supported", "支持": "supported", "兼容": "compatible",
    "月付": "monthly", "年付": "annual", "季付": "quarterly", "连续包月": "monthly auto-renewal", "生效": "take effect",
    "立即": "immediately", "马上": "immediately", "合用": "share account", "轮流用": "share account",
    "一起用": "share account", "借给": "share lend account", "同事": "colleagues", "朋友": "friends",
    "室友": "friends share", "变成": "changed", "同时": "at the same time", "团队": "team",
    # the docs' own troubleshooting and setup words, so a Chinese ask can pick the sentence that holds its answer
    "私有": "private", "公开": "public open source", "开源": "open source", "仓库": "repository", "空": "empty",
    "抓取": "fetch", "网页": "webpage", "视频": "video", "大小": "size", "格式": "format", "模型名": "model name",
    "大写": "uppercase", "小写": "lowercase", "路径": "path", "代理": "proxy", "快捷键": "shortcut key ctrl", "重试几次": "retry", "试了几次": "tried", "好几次": "several times", "系统代理": "system proxy settings", "网络": "network", "超时": "timeout",
    "勾选": "check uncheck", "免费版": "free version", "结果": "results", "缓存": "cache", "截图": "screenshot image",
    "粘贴": "paste", "本地": "local", "目录": "directory", "权限不足": "permission", "管理员": "administrator",
    "断开": "connection closed", "关键词": "keywords", "最新版": "latest version",
    "旧版": "older version", "重启": "restart", "插件市场": "marketplace", "扩展": "extension",
    "别的办法": "other way", "其他办法": "other way", "别的方法": "other way", "其他方法": "other way", "其他方式": "other way",
    "别的方式": "other way", "别的写法": "other way", "装法": "install way",
    # the referral campaign's words
    "返利": "credits rewards invitation", "返佣": "credits rewards invitation", "奖励": "rewards credits",
    "邀请码": "referral code", "邀请链接": "referral link", "链接": "link", "明细": "details transaction history",
    "记录": "records history", "查看": "view check", "在哪看": "view where", "去哪查": "view check where",
    "申诉": "objection", "异议": "objection", "多个": "multiple", "最后": "last", "点了": "clicks", "点击": "clicks",
    # plan state, setup actions and the MCP pools, as short Chinese questions put them
    "升了": "upgraded upgrade", "升到": "upgrade to", "没变": "not changed", "一天": "per day daily", "每天": "daily per day",
    "几次": "how many times quota", "重装": "reinstall uninstall remove", "卸载": "uninstall remove",
    "重新加载": "reload load latest", "切模型": "switch model", "换模型": "switch model", "在哪输入": "where enter", "在哪填": "where enter",
    "提醒": "reminder notification", "邮件": "email", "共用": "shared total", "弹出": "prompted asks",
    "网址": "base url endpoint", "手动": "manually", "修改": "change modify", "改成": "change to",
    "英文": "English", "中文": "Chinese", "语言": "language", "切成": "switch to", "清掉": "remove clear",
    "清除": "remove clear", "删除": "remove delete", "删掉": "remove delete", "撤掉": "remove stop", "撤回": "remove revoke",
    "撤销": "revoke remove", "取消分享": "stop sharing", "取消共享": "stop sharing", "分享": "share", "存的": "stored", "保存的": "stored",
    "一键": "one command", "自检": "check status doctor", "体检": "health check doctor",
    "界面": "interface UI", "用完": "used up quota", "等多久": "how long wait next cycle refresh", "原价": "full price",
    "打折": "discount", "打了折": "discount", "九折": "10% discount", "折扣": "discount",
    "架构图": "architecture diagram", "流程图": "flow diagram", "ER图": "ER diagram", "ER 图": "ER diagram",
    "图表": "charts dashboards", "报错截图": "error screenshot", "错误截图": "error screenshot", "修复建议": "fixes",
    "文字识别": "OCR text",
}
_GLOSSARY = sorted(GLOSSARY.items(), key=lambda kv: -len(kv[0]))
# Subscribers' English for what the docs call otherwise ("top up" is the docs' "recharge"), added to the query.
SYNONYMS = (
    (re.compile(r"\btop(ping|ped)?[\s-]?ups?\b|\badd(ing)? (funds|money)\b|\breload\b", re.I), "recharge"),
    (re.compile(r"\b(card|visa|mastercard)\b", re.I), "credit card"),
    (re.compile(r"\b(sign(ed|ing)?[\s-]?in|log(ged|ging)?[\s-]?in)\b", re.I), "login"),
    (re.compile(r"\b(cut off|stopp?(ed|s)? (midway|halfway|early)|truncated|incomplete (answer|response|output))\b", re.I),
     "finish_reason stop length"),
    (re.compile(r"\btrain(s|ed|ing)? (your|the|their|its|on|with|models)\b|\b(store|stored|keep|kept|retain\w*|collect\w*|"
                r"log|logged|share|shared|sell) (my|our|the|user) (code|data|prompts|conversations|repo\w*)\b|"
                r"\bimprove (their|its|your|the) models?\b|\bdata "
                r"(retention|usage|privacy)\b|训练|隐私|数据安全", re.I), "privacy policy personal data train models"),
    (re.compile(r"\b(quota|limit) (resets?|refresh\w*)\b|\bwhen (does|will) (it|the quota|my quota) (reset|refresh)",
                re.I), "refresh cycle"),
    (re.compile(r"\byearly\b|\bper year\b|\ba year\b", re.I), "annual"),
    (re.compile(r"\b(screen ?recording|recording|screencast|clip)s?\b|\.(webm|mp4|mov|m4v|avi)\b|录屏|视频", re.I),
     "video size format"),
    (re.compile(r"\b(month|plan|subscription|cycle) (is|was) (over|done|finished|up)\b|\bruns? out\b.{0,20}\b(month|plan)\b",
                re.I), "expiration expires"),
    (re.compile(r"\bcents?\b.{0,30}\b(more|extra)\b|\b(more|extra)\b.{0,30}\bcents?\b|\bcharged (more|extra)\b",
                re.I), "minimum charge round up deduction"),
    # the coding helper's short command name
    (re.compile(r"\bchelper\b", re.I), "coding-helper Coding Tool Helper"),
    # GLM's "reasoning" is what the docs call thinking (the thinking mode page)
    (re.compile(r"\breasoning\b(?![_ ]content)|思考模式|深度思考|推理模式", re.I), "thinking mode"),
    # "the MCP usage resets every month": the MCP servers' own allowance, counted in web searches and readers
    # (a file's size limit is no allowance: "video size limit for the vision mcp? 25 MB mp4")
    (re.compile(r"^(?!.*(\bsize\b|\d\s?mb\b|\bvideos?\b|大小|视频))(?:.*?)(\bmcp\b.{0,30}\b(usage|quota|(?<!size )limits?|allowance|"
                r"calls|count)\b|\b(usage|quota|(?<!size )limits?)\b.{0,20}\bmcp\b|mcp.{0,10}(额度|次数|用量))", re.I | re.S),
     "MCP quotas web searches web readers per month"),
)
# Tools with no page of their own are set up on the "other tools" page: say so to the search.
OTHER_TOOL_PAGE = "other tools OpenAI protocol"
# A China-platform base URL the message shows, in the docs' words for it: "open.bigmodel.cn/api/coding/paas/v4" is the
# coding endpoint, when no tool's page is there to find (Z.ai's own URLs already share the docs' words; naming their
# kind too pulled the API's pages up)
ENDPOINT_WORDS = {"bigmodel-coding": "dedicated Coding API endpoint",
                  "bigmodel-anthropic": "Anthropic compatible base url"}
MCP_WORDS = {"web-search": "web search MCP server", "web-reader": "web reader MCP server",
             "vision": "vision understanding MCP server", "zread": "zread MCP server"}


def translate(text: str) -> str:
    """The English words of a Chinese ask: the glossary's terms and the ASCII words (tools, codes, URLs) in it."""
    found = []
    rest = text
    for zh, en in _GLOSSARY:
        if zh in rest:
            found.append(en)
            rest = rest.replace(zh, " ")
    ascii_words = re.findall(r"[A-Za-z][A-Za-z0-9.+/_-]*|\d+", rest)
    return " ".join(found + ascii_words)


# An error line of a tool's own output ("✖ Network Error, please check your connection", "npm ERR! Error: EACCES:
# permission denied"): the docs' troubleshooting sections are titled with these words.
_ERROR_LINE = re.compile(r"(error|err!|failed|failure|denied|refused|timed? ?out|not found|invalid|✖|✗|失败|错误)", re.I)


def pasted_error_lines(pasted: str, limit: int = 2) -> list[str]:
    """The words of the first error lines of the paste, without paths, URLs, ids or numbers."""
    found = []
    for line in pasted.splitlines():
        if not _ERROR_LINE.search(line) or line.strip().startswith(("{", "[", "\"", "'")):
            continue
        words = re.sub(r"(file://)?(/[\w@.:-]+)+|https?://\S+|\b[\w-]*\d[\w-]*\b|[^\w\s,.'’-]", " ", line)
        words = re.sub(r"\b(npm|ERR|code|syscall|path)\b", " ", words)
        words = " ".join(words.split())[:120]
        if len(words.split()) >= 2 and words not in found:
            found.append(words)
        if len(found) >= limit:
            break
    return found


def retrieval_query(msg: Message, history: Sequence[dict] = (), follow_up_words: int = 4) -> str:
    """What retrieval searches for: the ask (in English), and the tool, error and MCP server the message names."""
    ask = translate(msg.ask) if is_chinese(msg.ask) else msg.ask
    if len(ask) > 600 and msg.questions:  # a long story: its questions say what is wanted
        ask = " ".join(translate(q) if is_chinese(q) else q for q in msg.questions)
    extras = [TOOL_NAMES.get(t, t) + (f" {OTHER_TOOL_PAGE}" if TOOLS[t][1] == "devpack-tool-others" else "")
              for t in msg.tools]
    extras += [f"error {code}" for code in msg.business_codes[:2]]
    extras += [f"HTTP {code}" for code in msg.http_codes[:1] if not msg.business_codes]
    extras += [MCP_WORDS[m] for m in msg.mcp if MCP_WORDS[m].split()[0] not in ask.lower()]
    extras += [] if msg.tools else list(dict.fromkeys(ENDPOINT_WORDS[e] for e in msg.endpoints if e in ENDPOINT_WORDS))
    extras += [] if msg.errors else pasted_error_lines(msg.pasted)  # a code found says it better than its line
    extras += [words for pattern, words in SYNONYMS if pattern.search(ask)]
    query = " ".join([ask, *[e for e in extras if e.lower() not in ask.lower()]]).strip()
    previous = [t["content"] for t in history if t.get("role") == "user" and t.get("content")]
    # "and on Pro?", "how do I fix it?": so few content words lean on the previous question.
    if previous and len(terms(query)) <= follow_up_words:
        last = previous[-1]
        query = f"{translate(last) if is_chinese(last) else last} {query}"
    return query


TERMS_DOC = "legal-subscription-terms"  # where the plan's usage rules and their enforcement stand


def preferred_docs(msg: Message) -> tuple[str, ...]:
    """The pages of what the message names (its tool, its MCP server, a topic with a page of its own): their
    passages rank first on a tie."""
    if msg.topic_outside_tool:  # the tool's page says nothing on the topic; the topic's page is what the docs say
        return tuple(msg.topics)
    docs = list(msg.tool_docs)
    docs += [MCP_SERVERS[m][1] for m in msg.mcp]
    docs += list(msg.topics)
    if msg.enforcement:  # a ban, a suspension, a locked account: the subscription terms say what may happen
        docs.insert(0, TERMS_DOC)
    return tuple(dict.fromkeys(docs))
