"""How a Helpdesk answers: `answer_stream(helpdesk, question, history)`, behind `Helpdesk.answer_stream` and
`Helpdesk.answer` (helpdesk/core.py), the entry point every surface calls."""

from __future__ import annotations

import logging
import re
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, Sequence

from helpdesk.embedding import Embedder
from helpdesk.extractive import (FILE_VALUE, MODEL_PICKER, PROMOTION, VARIABLE_VALUE, VERSION_VALUE, asks_for, compose,
                                 composed, identifier_pages, named_identifiers, quoted_phrases)
from helpdesk.message import CODING_HELPER, MCP_SERVERS, TOPIC_ZH, Message, analyse, is_chinese
from helpdesk.query import preferred_docs, retrieval_query
from helpdesk.query import translate as zh_terms
from helpdesk.retrieval import Retriever, terms, translate
from helpdesk.rules import CITATION, answer_rules, cited
from helpdesk.rules.facts import FactsError
from helpdesk.schema import Answer, Passage, Source, StreamEvent
from helpdesk.settings import Settings

if TYPE_CHECKING:
    from helpdesk.core import Helpdesk

log = logging.getLogger(__name__)
# Asking for the bot's own instructions or secrets: never answered from the docs, never sent to a model.
# "I followed your instructions" is about the docs; a request to print or reveal them, or to ignore them, is not.
# The bot's own prompt or keys asked for; a system prompt of the subscriber's own ("lots of repeated system prompt, so I
# expect cache hits", "does GLM-4.7 take a system prompt?") is a question about the API, not an attack.
INJECTION = re.compile(r"\b(((your|the bot'?s|the assistant'?s|its) (own |hidden |internal )?system prompt)|ignore (all |any )?(the |your )?"
                       r"(previous|prior|above|earlier) (instructions|rules|prompts?)|(print|show|reveal|repeat|output|leak|dump|"
                       r"tell me|give me)\b.{0,25}\b(your (hidden |system |secret )?(instructions|prompt|api key|key|secrets?)|"
                       r"(the |its )?system prompt))\b|(你的|输出|显示|告诉我|打印|泄露|给我看).{0,6}系统提示词|忽略(之前|以上)的?(指令|提示)")
HUMAN_PLEASE = re.compile(r"\b(talk|speak|chat) (to|with) (a |an )?(human|person|agent|someone|representative|support)\b|"
                          r"\b(human|real person|live agent|customer service)( please)?\s*[?!.]*$|转人工|(找|要|联系|接通?)\s*人工(客服)?(?![\u4e00-\u9fff])|"
                          # "人工客服" asked for, not asked about ("人工客服的工作时间是几点到几点" asks when it works)
                          r"人工(客服)?\s*[?？!！。]*$")
FOLLOW_UP_WORDS = 4  # a question this short ("and on Pro?") leans on the previous one


def _source(passage: Passage, snippet: str = "") -> Source:
    c = passage.chunk
    return Source(doc=c.doc_id, title=c.title, url=c.source, as_of=c.as_of, snippet=snippet or c.text[:200])


def abstain(settings: Settings, off_topic: bool, confidence: float = 0.0, language: str = "en") -> Answer:
    if language == "zh":  # the refusal in the subscriber's language
        text = (f"我只能解答 Z.ai GLM Coding Plan 的问题（套餐、额度、计费、邀请、API 和支持的编程工具）；其他问题请联系 Z.ai 客服："
                f"{settings.support_url}" if off_topic else
                f"GLM Coding Plan 的文档中没有找到这个问题的答案，我不做猜测；请咨询 Z.ai 客服：{settings.support_url}")
        return Answer(text=text, route="abstain", confidence=round(max(confidence, 0.0), 3), offer_human=True)
    if off_topic:
        text = ("I can only help with the Z.ai GLM Coding Plan (plans, quotas, billing, referrals, the API and the "
                f"supported coding tools); for anything else, please contact Z.ai support at {settings.support_url}.")
    else:
        text = ("I couldn't find this in the GLM Coding Plan documentation, so I won't guess; please ask Z.ai "
                f"support at {settings.support_url}.")
    return Answer(text=text, route="abstain", confidence=round(max(confidence, 0.0), 3), offer_human=True)


def elsewhere_host(settings: Settings, msg: Message) -> Answer:
    names = {"openrouter": "OpenRouter", "siliconflow": "SiliconFlow", "modelscope": "ModelScope", "groq": "Groq",
             "cerebras": "Cerebras", "volcengine": "Volcengine", "bedrock": "Amazon Bedrock", "vertex": "Vertex AI"}
    host = names.get(msg.hosted_elsewhere, msg.hosted_elsewhere)
    if msg.language == "zh":
        text = (f"你使用的是其他公司的服务（{host}）：它的限额、报错和计费由它自己决定。这些文档讲的是 Z.ai 自己的 API 和 GLM Coding "
                f"Plan，不涉及第三方平台；如需了解 Z.ai 的套餐，可以咨询 Z.ai 客服：{settings.support_url}")
    else:
        text = (f"You're using another company's service ({host}): its limits, errors and billing are its own. These docs "
                "cover Z.ai's own API and the GLM Coding Plan, not third-party hosts; for Z.ai's plan, Z.ai support can "
                f"help: {settings.support_url}")
    return Answer(text=text, route="abstain", confidence=0.0, offer_human=True)


def task_elsewhere(settings: Settings, msg: Message) -> Answer:
    """Asked to write a program or a text: not this assistant's job; where GLM does it for a subscriber is."""
    if msg.language == "zh":
        text = ("我只解答 Z.ai GLM Coding Plan 的问题（套餐、额度、计费、邀请、API 和支持的编程工具），不能在这里替你写代码或文章。想让 "
                "GLM 写代码，可以在支持的编程工具（如 Claude Code、Cline、OpenCode）里使用你的套餐；其他问题可以联系 Z.ai 客服："
                f"{settings.support_url}")
    else:
        text = ("I only answer questions about the Z.ai GLM Coding Plan (plans, quotas, billing, referrals, the API and the "
                "supported coding tools), so I can't write that for you here. To have GLM write code, use your plan in a "
                "supported coding tool such as Claude Code, Cline or OpenCode; for anything else, Z.ai support can help: "
                f"{settings.support_url}")
    return Answer(text=text, route="abstain", confidence=0.0, offer_human=True)


def incident(settings: Settings, msg: Message) -> Answer:
    if msg.language == "zh":
        text = ("文档不涉及服务的速度或故障，所以我无法判断 Z.ai 那边现在是否有问题；Z.ai 客服可以确认："
                f"{settings.support_url}")
    else:
        text = ("The docs don't cover the service's speed or outages, so I can't tell whether something is wrong on "
                f"Z.ai's side right now; Z.ai support can: {settings.support_url}")
    return Answer(text=text, route="abstain", confidence=0.0, offer_human=True)


def retrieve(query: str, settings: Settings, retriever: Retriever, prefer: tuple[str, ...] = (),
             phrases: tuple[str, ...] = ()) -> tuple[list[Passage], float, bool]:
    """Passages for a standalone query, the abstention confidence, and whether the question looks off-topic.

    The query is the ask (helpdesk.query), so pasted logs and configs never make a question off-topic.
    """
    passages = retriever.search(query, k=settings.top_k, prefer=prefer, phrases=phrases)
    evidence = retriever.evidence(query, passages)
    confidence = evidence.confidence(settings.abstain_vocabulary_weight, settings.abstain_support_weight)
    off_topic = (evidence.vocabulary < settings.off_topic_vocabulary
                 or evidence.closeness < settings.off_topic_closeness)
    return passages, confidence, off_topic


def offline_from(query: str, passages: list[Passage], confidence: float, off_topic: bool,
                 settings: Settings, embedder: Embedder, language: str = "en", phrases: tuple[str, ...] = (),
                 named: tuple[str, ...] = (), msg: Message | None = None) -> Answer:
    """The extractive answer; an abstention when the evidence is too weak: below the threshold for an ask the corpus
    does not know (off-topic), below the lower floor for one it does, unless the top passage is on the page of what the
    message names (its tool, its MCP server). Above those, a weak answer is hedged as the closest the docs say."""
    if not passages or confidence < settings.abstain_threshold and off_topic or (
            confidence < settings.abstain_floor and passages[0].chunk.doc_id not in named):
        return abstain(settings, off_topic=off_topic, confidence=confidence, language=language)
    text, used = compose(query, passages, embedder, settings, phrases, *_asked(msg))
    if not text:
        return abstain(settings, off_topic=False, confidence=confidence, language=language)
    sources = tuple({passages[i].chunk.doc_id: _source(passages[i]) for i in used}.values())  # one per page
    return Answer(text=text, route="retrieval", sources=sources, confidence=round(min(max(confidence, 0.0), 1.0), 3))


def _asked(msg: Message | None) -> tuple[tuple[str, ...], str]:
    """The message's question sentences and its whole text, for the offline answer to pick the sentence that answers."""
    if msg is None:
        return (), ""
    return tuple(msg.questions), msg.ask


# The plan's own extensions, by the names subscribers type for them
EXTENSIONS = ((CODING_HELPER, "devpack-extension-coding-tool-helper"),
              (re.compile(r"glm-plan-usage|usage[\s-]query plugin", re.I), "devpack-extension-usage-query-plugin"))


def named_pages(msg: Message, corpus_dir: Path | None = None) -> tuple[str, ...]:
    """The pages of the tools, MCP servers and plan extensions the message names."""
    return tuple(msg.tool_docs) + tuple(MCP_SERVERS[m][1] for m in msg.mcp) + tuple(
        doc for pattern, doc in EXTENSIONS if pattern.search(msg.ask)) + (
        identifier_pages(msg.ask, str(corpus_dir)) if corpus_dir else ())


def introduced(result: Answer, msg: Message) -> Answer:
    """A Chinese message answered by the docs' English words gets a Chinese line saying what follows."""
    if result.route != "retrieval" or msg.language != "zh" or re.search(r"[\u4e00-\u9fff]", result.text):
        return result
    return replace(result, text="文档（英文原文）的说法：\n" + result.text)


# A question asking for a number ("how many results does it return?", "多久会过期", "temperature 推荐设多少"); "哪几个工具"
# asks which, "地址是多少" / "填多少" ask for a value ("temperature 设多少" asks a number), "好几次" and "没多久" count nothing
ASKS_NUMBER = re.compile(r"\bhow (many|much|long|often|big|large)\b|"
                         r"\bwhat('s| is) the (max|maximum|limit|number|size)\b|"
                         r"\bmax(imum)? (size|number|length)\b|(?<!地址是)(?<!地址)(?<![填写])多少|(?<![哪某好这])几(个|次|天|条|张|秒|"
                         r"分钟|小时|倍)|(?<![没不])多久|多长时间|多大|上限|"
                         # a date asked ("is there an ETA?", "具体哪天?"): a passage without one does not answer it
                         r"\b(what|which|exact|specific) (date|day)\b|\beta\b|\brelease date\b|具体(是)?哪(一)?天|哪一天|几月几号|具体(时间|日期)",
                         re.I)
# Figures that are no answer to a number: model versions, URLs, list markers
_NOT_A_FIGURE = re.compile(r"https?://\S+|\bglm-[\d.]+\w*|\bv\d\b|^\s*\d+[.)]\s", re.I | re.M)


def _number_asked_and_given(result: Answer, msg: Message) -> tuple[bool, bool]:
    """Whether the question asks for a number, and whether the passage quoted gives one."""
    asking = " ".join(msg.questions) or msg.ask
    return bool(ASKS_NUMBER.search(asking)), bool(re.search(r"\d", _NOT_A_FIGURE.sub(" ", result.text)))


def number_unanswered(result: Answer, msg: Message) -> bool:
    """The question asks for a number and the passage quoted gives none."""
    asks, gives = _number_asked_and_given(result, msg)
    return asks and not gives


def hedged(result: Answer, msg: Message, settings: Settings) -> Answer:
    """An answer barely above abstaining, or one giving no number for a question asking one, is the closest passage,
    said to be so, with a person who can answer."""
    asks, gives = _number_asked_and_given(result, msg)
    if result.route != "retrieval" or result.offer_human or _said_before_passage(msg) or (
            result.confidence >= settings.hedge_soft_below and not (asks and not gives)):
        return result  # a framed answer (their own case, an unknown product) already says what the passage is
    zh = msg.language == "zh"
    if result.confidence >= settings.hedge_below and asks and gives:
        return result  # ("how many prompts on Lite?" answered with "~80 prompts every 5 hours": the figure asked)
    if result.confidence >= settings.hedge_below and not (asks and not gives):
        # a weak match, which may be the answer or only near it: said so, without claiming either
        lead = "文档可能没有直接回答这个问题，最接近的内容：" if zh else "The docs may not answer this exactly; the closest they say:"
    else:
        lead = "文档没有直接回答这个问题，最接近的内容：" if zh else "The docs don't answer this directly; the closest they say:"
    person = "Z.ai 客服可以确认：" if zh else "Z.ai support can confirm: "
    return replace(result, text=f"{lead}\n{result.text}\n{person}{settings.support_url}", offer_human=True)


def answer_offline(question: str, history: Sequence[dict], settings: Settings, retriever: Retriever,
                   message: Message | None = None) -> Answer:
    msg = message or analyse(question, settings.corpus_dir)
    query = retrieval_query(msg, history, FOLLOW_UP_WORDS)
    phrases = quoted_phrases(msg.ask) + named_identifiers(msg.ask, str(settings.corpus_dir))
    passages, confidence, off_topic = retrieve(query, settings, retriever, preferred_docs(msg), phrases)
    off_topic = off_topic and not msg.on_topic
    result = framed(offline_from(query, passages, confidence, off_topic, settings, retriever.embedder, msg.language,
                                 phrases, named_pages(msg, settings.corpus_dir), msg), msg, settings)
    result = introduced(hedged(result, msg, settings), msg)
    return _traced(result, query=query, passages=[p.chunk.id for p in passages],
                   ranked=[p.chunk.doc_id for p in passages], message=msg.summary())


def _said_before_passage(msg: Message) -> bool:
    """What the passage is not about gets said first (`_lead`): an unknown model or product, a topic the named tool's
    page lacks, the China platform."""
    return bool(msg.unknown_models or msg.unknown_names or msg.topic_outside_tool or msg.china_platform)


def framed(result: Answer, msg: Message, settings: Settings) -> Answer:
    """A docs passage is not a diagnosis: a failure no rule explained, or a model the docs never name, gets the
    closest passage framed as such, and a person who can look at the case."""
    if result.route != "retrieval" or not (msg.personal or _said_before_passage(msg)):
        return result
    lead, lead_zh = _lead(msg)
    zh = msg.language == "zh"  # the passage stays as the docs wrote it; what we say is in the subscriber's language
    lead = lead_zh if zh else lead
    if not msg.personal:  # a how-to the docs answer for the API only: no case for a person to look at
        return replace(result, text=f"{lead}\n{result.text}")
    person = "Z.ai 客服可以查看你的具体情况：" if zh else "Z.ai support can look at your case: "
    text = f"{lead}\n{result.text}\n{person}{settings.support_url}"
    return replace(result, text=text, offer_human=True)


def _lead(msg: Message) -> tuple[str, str]:
    """What the closest passage is, said before it: (English, Chinese)."""
    if msg.china_platform:
        return ("The docs cover Z.ai's platform (api.z.ai), not Zhipu's China platform (open.bigmodel.cn), so they "
                "don't cover its endpoints or accounts. The closest they say:",
                "文档没有涉及智谱国内平台（open.bigmodel.cn）的接口地址和账户，它讲的是 Z.ai 平台（api.z.ai）。最接近的内容：")
    if msg.topic_outside_tool:
        tool, topic = msg.topic_outside_tool
        topic_zh = TOPIC_ZH.get(topic, topic)
        return (f"The docs don't cover {topic} in {tool}; what they say about {topic} (for the API):",
                f"文档没有讲在 {tool} 中如何使用{topic_zh}；文档（针对 API）关于{topic_zh}的说明：")
    if msg.enforcement:
        return ("The docs don't cover a single account's ban or suspension, or an appeal; Z.ai support handles those. What "
                "they say:", "文档不涉及单个账号的封禁、暂停或申诉，这些由 Z.ai 客服处理。文档的说法：")
    if msg.regression:
        return ("The docs don't cover changes between versions of your tool. The closest they say:",
                "文档没有涉及你所用工具不同版本之间的变化。最接近的内容：")
    if msg.feature_request and not msg.failing:
        return ("The docs don't cover this request. The closest they say:", "文档没有涉及这个需求。最接近的内容：")
    if msg.account_matter:
        return ("The docs don't cover your account's charges or credits; Z.ai support can check them. What the docs say:",
                "文档没有涉及你账户的扣费或积分，Z.ai 客服可以核查。文档的说法：")
    if (msg.own_account or msg.quota_drain) and not msg.failing:
        return ("The docs can't check your account; Z.ai support can. What the docs say:",
                "文档无法查看你的账户，Z.ai 客服可以。文档的说法：")
    if msg.unknown_models or msg.unknown_names:
        names = ", ".join([m.upper().replace("GLM5V", "GLM-5.") for m in msg.unknown_models[:2]]
                          + list(msg.unknown_names[:2]))
        return f"The docs don't mention {names}. The closest they say:", f"文档没有提到 {names}。最接近的内容："
    return ("The docs don't cover this exact problem. The closest they say:", "文档没有涉及这个具体问题。最接近的内容：")


def _traced(result: Answer, **trace) -> Answer:
    return replace(result, trace={**result.trace, **trace})


def _single(result: Answer) -> Iterator[StreamEvent]:
    yield StreamEvent("sources", sources=result.sources)
    yield StreamEvent("token", text=result.text)
    yield StreamEvent("answer", answer=result)


def answer_stream(helpdesk: Helpdesk, question: str, history: Sequence[dict] = ()) -> Iterator[StreamEvent]:
    """Every answer, as events: sources first, then text as it is written, then the final Answer (always last).

    The message is analysed once (helpdesk.message) and every step reads that analysis. Order of precedence: a
    request for a person; a request for the bot's own prompt or keys, or another company's plan (refused in both
    modes); a curated answer; the rules layer with troubleshooting (exact, never rewritten by a model); then
    retrieval, answered by GLM when a key is configured (any failure falls back to the offline answer inside
    `stream_answer`) and by the offline extractive answer otherwise.
    """
    settings = helpdesk.settings
    question = (question or "").strip()
    history = list(history)
    if not question:
        yield from _single(Answer(text="Please type a question about the GLM Coding Plan.", route="abstain"))
        return
    started = time.perf_counter()
    msg = understood(question, history, settings)
    if HUMAN_PLEASE.search(msg.ask.lower()):
        text = (f"好的，可以通过这里联系 Z.ai 客服：{settings.support_url}。如果你告诉我需要什么，我也可以先在这里试着回答。"
                if msg.language == "zh" else f"Of course: you can reach Z.ai support at {settings.support_url}. I can also "
                "try to answer here if you tell me what you need.")
        yield from _single(Answer(text=text, route="abstain", offer_human=True))
        return
    if msg.hosted_elsewhere and not INJECTION.search(msg.ask):  # GLM from another company's service
        yield from _single(_traced(elsewhere_host(settings, msg), message=msg.summary(), layer="other_vendor"))
        return
    if msg.task_request:  # "can you write me a scraper?": a task for a coding tool, not a question for these docs
        yield from _single(_traced(task_elsewhere(settings, msg), message=msg.summary(), layer="task_request"))
        return
    if INJECTION.search(msg.ask) or msg.other_vendor:  # these docs cannot answer it, however close the words
        yield from _single(_traced(abstain(settings, off_topic=True, language=msg.language), message=msg.summary(),
                                   layer="injection" if not msg.other_vendor else "other_vendor"))
        return
    curated = helpdesk.curated.answer(msg.ask, history)
    if curated is not None:  # written and approved by the support team: served as written, never rewritten
        yield from _single(_traced(curated, message=msg.summary(), ms=_ms(started)))
        return
    try:
        ruled = answer_rules(question, history, settings, msg, helpdesk.facts)
    except FactsError as exc:  # a broken facts file must not take the docs answers down with it
        log.error("rules layer skipped: %s", exc)
        ruled = None
    if ruled is not None:
        loaded = helpdesk.retriever_if_loaded()  # never waits for the index: rules answer while it loads
        ruled = with_page_quote(ruled, msg, history, settings, loaded) if loaded is not None else ruled
        yield from _single(_traced(ruled, query=retrieval_query(msg, history, FOLLOW_UP_WORDS),
                                   message=msg.summary(), ms=_ms(started)))
        return
    if msg.outage and not msg.errors:  # slow or down right now: an incident is for support to confirm, not the docs
        yield from _single(_traced(incident(settings, msg), message=msg.summary(), layer="outage", ms=_ms(started)))
        return
    if not settings.llm_enabled:
        yield from _single(_traced(answer_offline(question, history, settings, helpdesk.retriever(), message=msg),
                                   ms=_ms(started)))
        return
    from helpdesk.llm import condense_noted, stream_answer, with_rewrite_note  # openai loads only with a key

    # The model condenses the ask (not the paste) with the history into a standalone English query, told what
    # the analysis found (tool, error, endpoint), so follow-ups and Chinese retrieve as well as English.
    asked = _for_model(msg)
    condensed, rewrite_error = condense_noted(asked, history, settings, helpdesk.model)  # noted on the answer
    query = retrieval_query(msg, history, FOLLOW_UP_WORDS) if condensed == asked else condensed
    retriever = helpdesk.retriever()
    phrases = quoted_phrases(msg.ask) + named_identifiers(msg.ask, str(settings.corpus_dir))
    passages, confidence, off_topic = retrieve(query, settings, retriever, preferred_docs(msg), phrases)
    off_topic = off_topic and not msg.on_topic
    offline = _traced(introduced(hedged(framed(offline_from(query, passages, confidence, off_topic, settings,
                                                            retriever.embedder, msg.language, phrases,
                                                            named_pages(msg, settings.corpus_dir), msg),
                                               msg, settings), msg,
                                         settings), msg), query=query,
                      passages=[p.chunk.id for p in passages], ranked=[p.chunk.doc_id for p in passages],
                      message=msg.summary())
    if offline.route == "abstain":
        yield from _single(with_rewrite_note(offline, rewrite_error))  # nothing in the docs to ground an answer on
        return
    try:
        structured = helpdesk.facts
    except FactsError:  # stream_answer reads the file again and logs why the guard goes without them
        structured = None
    for event in stream_answer(asked, history, passages, offline, settings, client=helpdesk.model,
                               structured=structured):
        if event.kind == "answer" and event.answer is not None:  # the trace of the retrieval the model was given
            traced = _traced(event.answer, **{**offline.trace, **event.answer.trace}, layer=event.answer.route,
                             ms=_ms(started))
            event = replace(event, answer=with_rewrite_note(traced, rewrite_error))
        yield event


# A setting the message names: quoted ("provider", 'API Host') or written as a variable (Z_AI_MODE)
_SETTING = re.compile(r"[\"'“`]([A-Za-z][\w .-]{1,30})[\"'”`]|\b([A-Z][A-Z0-9]*_[A-Z0-9_]+)\b")


SWITCH_MODEL = re.compile(r"\b(switch|select|pick|choose|change|use)\w*\b.{0,40}\b(model|glm)|切换模型|切到|换成|选择模型|切模型",
                          re.I)
# Running a server or tool by hand to see whether it starts: "test it directly from PowerShell", "在 cmd 里单独跑一下"
RUN_BY_HAND = re.compile(r"\b(test|run|start|launch|try)\w*\b.{0,40}\b(directly|manually|by hand|standalone|on its own|from "
                         r"(the )?(terminal|cmd|powershell|shell|command line|console))\b|(单独|手动|直接)(跑|运行|启动|执行)|"
                         r"(cmd|powershell|终端|命令行)\s*(里|中)?.{0,6}(跑|运行|启动|执行)", re.I)
COMMAND_LINE = re.compile(r"\bnpx\b|\bnpm\b|^\s*\$\s|\$env:|^\s*set \w+=", re.I)
SLASH_COMMAND = re.compile(r"(?<![\w/.:])/[a-z][\w:-]+\b")


def _new_values(ask: str, quote: str, said: str) -> set[str]:
    """Values the page sentence gives that the rules answer does not: the value of a setting the message names
    ("provider": "generic-chat-completion-api", Z_AI_MODE: ZAI), or the kind of value it asks for (a version)."""
    found = set()
    for match in _SETTING.finditer(ask):
        name = re.escape(match.group(1) or match.group(2))
        for value in re.finditer(rf"{name}\W{{0,3}}\s*[:=：]\s*[\"'`]?([^\"'`,\n]{{1,60}})", quote, re.I):
            if value.group(1).strip() and value.group(1).strip() not in said:
                found.add(value.group(1).strip())
    for holds in asks_for(ask):
        if holds in (VERSION_VALUE, FILE_VALUE, VARIABLE_VALUE):  # "the new version?", "where is the file on Windows?"
            found |= {m.group(0) for m in holds.finditer(quote) if m.group(0) not in said}
    if RUN_BY_HAND.search(ask):  # "how can I test it directly from PowerShell?": the page's command to run it by hand
        found |= {line.strip() for line in quote.splitlines() if COMMAND_LINE.search(line) and line.strip() not in said}
    if SWITCH_MODEL.search(ask):  # "how do I switch to GLM-4.7 in it?": the page's slash command for picking a model
        found |= {m.group(0) for pattern in (SLASH_COMMAND, MODEL_PICKER) for m in pattern.finditer(quote)
                  if m.group(0) not in said}
    return found


# A sentence the subscriber marks as known: "I know ...", "..., fine", "我知道", "这个我了解"
KNOWN_SENTENCE = re.compile(r"\b(i (already )?know|i'?m aware|i understand|i get (it|that)|got it|understood)\b|"
                            r"(我|这个我?)(已经)?(知道|了解|明白)|知道了", re.I)


def known_only(ask: str) -> set[str]:
    """The words of the ask's sentences marked as known that no other sentence of it uses."""
    sentences = [s for s in re.split(r"(?<=[.!?。！？\n])\s*", ask) if s.strip()]
    known = [s for s in sentences if KNOWN_SENTENCE.search(s)]
    if not known or len(known) == len(sentences):
        return set()
    return _words(" ".join(known)) - _words(" ".join(s for s in sentences if s not in known))


def _words(text: str) -> set[str]:
    """The retrieval terms of a text, Chinese read through the glossary."""
    return set(terms(translate(zh_terms(text) if is_chinese(text) else text)))


PAGE_QUOTE_ROOM = 700  # characters of a rules answer past which no page quote is added


def with_page_quote(ruled: Answer, msg: Message, history: Sequence[dict], settings: Settings, retriever: Retriever
                    ) -> Answer:
    """A rules answer about a named tool or MCP server gives its settings in a line; the message may ask for
    something else its page says (a context window, a key to press, a provider value, a size limit): the page's
    closest sentence, when it is close and not already said, follows the rules answer, quoted and cited."""
    docs = preferred_docs(msg)
    citation = CITATION.search(ruled.text)  # a question back (no sources' line) gets no quote
    if ruled.route != "rules" or not docs or not citation or settings.page_quote_closeness >= 1:
        return ruled
    if len(ruled.text[:citation.start()]) > PAGE_QUOTE_ROOM:
        return ruled  # a long diagnosis already: one more quote would push its handoff out of sight
    query = retrieval_query(msg, history, FOLLOW_UP_WORDS)
    passages = [p for p in retriever.search(query, k=settings.top_k, prefer=docs) if p.chunk.doc_id in docs]
    if not passages:
        return ruled
    text, used, closeness = composed(query, passages, retriever.embedder, replace(
        settings, extractive_fill=0, max_answer_chars=350))
    if not text or closeness < settings.page_quote_closeness:
        return ruled
    if PROMOTION.search(text):
        return ruled
    # the page sentence must hold a rare word of the ask that the rules answer lacks ("entrypoint", "Z_AI_MODE"), and
    # not one only of a sentence the subscriber says they know ("每月那 100 次搜索+读取我知道", "I know vision draws
    # from the 5-hour prompt pool, fine"): that sentence is context, not the ask
    fresh = {t for t in set(terms(translate(query))) & set(terms(text)) - set(terms(ruled.text)) - known_only(msg.ask)
             if retriever.rare(t)}
    fresh |= _new_values(msg.ask, text, ruled.text)
    if not fresh:
        return ruled
    lines = ruled.text[:citation.start()].split("\n")
    handoff = lines.pop() if len(lines) > 1 and settings.support_url in lines[-1] else None  # the person stays last
    zh = citation.group(1) == "来源"
    title = passages[used[0]].chunk.title
    lines += [f"{title} 页面的相关说明（原文）：" if zh else f"The {title} page also says:", text] + [handoff] * bool(handoff)
    sources = ruled.sources + tuple({passages[i].chunk.doc_id: _source(passages[i]) for i in used
                                     if all(s.doc != passages[i].chunk.doc_id for s in ruled.sources)}.values())
    return replace(ruled, text=cited("\n".join(lines), sources, zh), sources=sources,
                   trace={**ruled.trace, "page_quote": round(closeness, 3), "page_quote_terms": sorted(fresh)})


def understood(question: str, history: Sequence[dict], settings: Settings) -> Message:
    """The analysed message; a short follow-up also carries what the previous question named (its error code,
    its tool), so "how do I fix it?" after "what does 1309 mean?" is still about 1309."""
    msg = analyse(question, settings.corpus_dir)
    previous = [t["content"] for t in history if t.get("role") == "user" and t.get("content")]
    if previous and not (msg.errors or msg.tools or msg.mcp) and len(terms(msg.ask)) <= FOLLOW_UP_WORDS:
        msg = msg.leaning_on(analyse(previous[-1], settings.corpus_dir))
    return msg


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)


def _for_model(msg: Message) -> str:
    """The question as the model sees it: the ask, then what the analysis found, then the paste (shortened)."""
    found = msg.summary()
    notes = [f"{key}: {', '.join(value) if isinstance(value, list) else value}" for key, value in found.items()
             if key in ("errors", "tools", "endpoints", "plans", "models", "mcp")]
    text = msg.ask
    if notes:
        text += "\n[What the message names: " + "; ".join(notes) + "]"
    if msg.pasted:
        text += "\n[Pasted by the user:]\n" + msg.pasted[:1500]
    return text
