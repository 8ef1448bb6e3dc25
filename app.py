"""Streamlit chat for the GLM Coding Plan support assistant. Renders; helpdesk/ decides.

A second page, the support team's insights (helpdesk/insights_page.py), exists only when
HELPDESK_INSIGHTS_PASSWORD is set, and never in the embedded chat (?embed=true).
"""

from __future__ import annotations

import time
import uuid

import streamlit as st

from helpdesk import ui
from helpdesk.app_resources import background_load, helpdesk_for
from helpdesk.convlog import mask_secrets, record
from helpdesk.feedback import Feedback, FeedbackStore
from helpdesk.public import public_answer
from helpdesk.schema import Answer
from helpdesk.settings import Settings

settings = Settings.from_env()
# Streamlit itself strips its chrome for ?embed=true (and keeps the parameter out of st.query_params).
embedded = bool(st.context.is_embedded)
st.set_page_config(page_title="GLM Coding Plan support", page_icon="💬",
                   initial_sidebar_state="collapsed" if embedded else "auto")


@st.cache_resource
def feedback_store(path: str) -> FeedbackStore:
    return FeedbackStore(path)


def build_index_with_progress() -> None:
    from ingest.indexer import run

    with st.status("Building the documentation index (first start only)…", expanded=True) as box:
        run(settings, log=box.write, progress=False)
        box.update(label="Documentation index ready", state="complete", expanded=False)


status = ui.index_status(settings)
if not status.ready:
    build_index_with_progress()
    status = ui.index_status(settings)


helpdesk = helpdesk_for(settings)  # one per process (st.cache_resource): the index and model are loaded once
loading = background_load(settings)
state = st.session_state
LOADING_NOTE = ("Loading the documentation index and the embedding model… Questions about plans, quotas, prices, "
                "referrals and error codes are answered right away; others in a moment.")


def loading_notice() -> None:
    if loading.done:
        st.rerun()  # once: the page without the notice, and without this fragment's timer
    st.info(LOADING_NOTE)


def save_feedback(index: int) -> None:
    rating = state.get(f"thumbs-{index}")
    if rating is None:
        return
    message, question = state.messages[index], state.messages[index - 1]["content"]
    result: Answer = message["answer"]
    comment = state.get(f"comment-{index}", "") or ""
    feedback_store(str(settings.database)).add(Feedback(
        rating=1 if rating == 1 else -1, question=mask_secrets(question, settings), answer=result.text,
        route=result.route, sources=tuple(s.url for s in result.sources), comment=mask_secrets(comment, settings),
        session_id=state.session_id, surface="streamlit", answer_id=result.id))
    state.rated[index] = rating


def render_answer(index: int, result: Answer) -> None:
    if result.sources:
        links = " · ".join(f"[{ui.escape_markdown(s.title)}]({s.url}) ({s.as_of})" for s in result.sources)
        st.markdown(f"Sources: {links}")
    st.caption(ui.label(result))
    for note in public_answer(result).notes:  # visitors read the public wording, never operators' detail
        if note.startswith(("AI answer unavailable", "AI question rewrite unavailable")):
            st.info(note)
    if result.offer_human:
        st.info(f"Want to talk to a person? Contact Z.ai support: {settings.support_url}")
    if index in state.rated:
        st.caption("Thanks for the feedback.")
    else:
        st.text_input("Comment (optional)", key=f"comment-{index}", label_visibility="collapsed",
                      placeholder="Optional comment, then rate the answer")
        st.feedback("thumbs", key=f"thumbs-{index}", on_change=save_feedback, args=(index,))


def chat() -> None:
    state.setdefault("messages", [])
    state.setdefault("session_id", uuid.uuid4().hex)
    state.setdefault("rated", {})

    if not embedded:
        with st.sidebar:
            st.subheader("Support assistant")
            st.write(f"**Mode:** {ui.mode_label(settings)}")
            st.write(f"**Docs current to:** {status.as_of or 'unknown'}")
            st.write(f"**Index:** {status.detail}")
            if st.button("Clear conversation", key="clear"):
                state.messages = []
                state.rated = {}
                st.rerun()
            st.caption(f"Need a person? [Contact Z.ai support]({settings.support_url})")
        st.title("GLM Coding Plan support")
        st.caption("Ask about quotas, prices, upgrades, referral credits, tool setup or error codes.")

    if not loading.done:  # polled by a fragment, so the note goes away on its own
        st.fragment(loading_notice, run_every=1.0)()

    for i, message in enumerate(state.messages):
        with st.chat_message(message["role"]):
            st.markdown(ui.escape_markdown(message["content"]))
            if message["role"] == "assistant":
                render_answer(i, message["answer"])

    pending = None
    if not state.messages:
        st.write("Try one of these:")
        columns = st.columns(2)
        for n, starter in enumerate(ui.STARTERS):
            if columns[n % 2].button(starter, key=f"starter-{n}"):
                pending = starter

    typed = st.chat_input("Ask a question about the GLM Coding Plan", max_chars=settings.max_question_chars + 1000)
    checked = ui.check_question(pending or typed, settings)
    if checked.problem:
        st.warning(checked.problem)
    elif checked.question:
        history = [{"role": m["role"], "content": m["content"]} for m in state.messages]
        state.messages.append({"role": "user", "content": checked.question})
        with st.chat_message("user"):
            st.markdown(ui.escape_markdown(checked.question))
        with st.chat_message("assistant"):
            final: list[Answer] = []
            started = time.perf_counter()

            def tokens():
                for event in helpdesk.answer_stream(checked.question, history):
                    if event.kind == "token":
                        yield ui.escape_markdown(event.text)
                    elif event.kind == "answer":
                        final.append(event.answer)

            st.write_stream(tokens())
        record(checked.question, history, final[0], settings, surface="streamlit", session_id=state.session_id,
               latency_ms=(time.perf_counter() - started) * 1000)
        state.messages.append({"role": "assistant", "content": final[0].text, "answer": final[0]})
        st.rerun()


pages = [st.Page(chat, title="Support chat", icon=":material/chat:", default=True)]
if settings.insights_password and not embedded:  # no password set: the page does not exist at all
    pages.append(st.Page("helpdesk/insights_page.py", title="Insights", icon=":material/insights:", url_path="insights"))
st.navigation(pages, position="sidebar" if len(pages) > 1 else "hidden").run()
