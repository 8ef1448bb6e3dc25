"""The support team's insights page (a page of app.py, never of the embedded chat). Renders; helpdesk/ decides.

Behind HELPDESK_INSIGHTS_PASSWORD: without it set, app.py does not register the page and this file says the
page is off. What it shows comes from helpdesk/insights.py; curated answers live in helpdesk/curated.py.
"""

from __future__ import annotations

import datetime as dt
import hmac

import streamlit as st

from helpdesk import insights
from helpdesk.app_resources import helpdesk_for
from helpdesk.convlog import ConversationLog
from helpdesk.curated import CuratedError, CuratedStore, check_curated, corpus_docs
from helpdesk.settings import Settings

settings = Settings.from_env()
state = st.session_state
MAX_EXPORT = 200


def allowed() -> bool:
    """The password gate: off without a password, a form until the right one is typed (compared in constant time)."""
    if st.context.is_embedded:
        st.info("The insights page is not part of the embedded chat; open the app itself.")
        return False
    if not settings.insights_password:
        st.info("The insights page is off. To turn it on, set HELPDESK_INSIGHTS_PASSWORD (the support team's "
                "password) in the app's environment and restart it.")
        return False
    if state.get("insights-ok"):
        return True
    with st.form("insights-login"):
        typed = st.text_input("Support team password", type="password", key="insights-password")
        opened = st.form_submit_button("Open insights")
    if opened:
        if hmac.compare_digest(typed.encode(), settings.insights_password.encode()):
            state["insights-ok"] = True
            st.rerun()
        st.error("Wrong password. Use the value of HELPDESK_INSIGHTS_PASSWORD set for this app.")
    return False


def curated_store() -> CuratedStore:
    return CuratedStore(settings.feedback_db, settings.corpus_dir)


def load_into_form(questions: list[str], answer: str = "", doc: str | None = None, item_id: int | None = None):
    """A callback: fills the curated-answer form (before its widgets exist on the next run)."""
    state["cur-questions"] = "\n".join(questions)
    state["cur-answer"] = answer
    if doc:
        state["cur-doc"] = doc
    state["cur-id"] = item_id
    state["cur-message"] = ("info", f"Editing curated answer #{item_id}." if item_id else
                            "Questions copied into the form under Curated answers: write the answer and approve it.")


def save_curated(status: str) -> None:
    questions, answer, doc = state.get("cur-questions", ""), state.get("cur-answer", ""), state.get("cur-doc")
    item_id = state.get("cur-id")
    try:
        if item_id:
            curated_store().update(item_id, questions=questions, answer_text=answer, doc=doc, status=status)
        else:
            item_id = curated_store().add(questions, answer, doc, status=status, author="insights page")
    except CuratedError as exc:
        state["cur-message"] = ("error", str(exc))
        return
    verb = "approved: the bot now gives it to matching questions" if status == "approved" else "saved as a draft"
    state["cur-message"] = ("success", f"Curated answer #{item_id} {verb}.")
    state["cur-questions"], state["cur-answer"], state["cur-id"] = "", "", None


def retire_curated(item_id: int) -> None:
    curated_store().retire(item_id)
    state["cur-message"] = ("success", f"Curated answer #{item_id} retired: the bot no longer gives it.")


def filters(entries: list[dict]) -> tuple[list[dict], float]:
    today = dt.datetime.now(dt.timezone.utc).date()
    first = min((insights.parse_time(e["created_at"]).date() for e in entries), default=today)
    columns = st.columns([2, 2, 1])
    picked = columns[0].date_input("Dates (UTC)", value=(max(first, today - dt.timedelta(days=30)), today),
                                   key="filter-dates")
    start, end = (picked[0], picked[-1]) if isinstance(picked, (tuple, list)) and picked else (None, None)
    routes = columns[1].multiselect("Routes", ["rules", "retrieval", "llm", "abstain"], key="filter-routes",
                                    placeholder="All routes")
    below = columns[2].slider("Low confidence below", 0.0, 1.0, insights.LOW_CONFIDENCE, 0.05, key="filter-low")
    return insights.select(entries, start, end, routes), below


def rates_chart(daily):
    """Grouped bars, one group per day: a line needs two days to show anything, a bar shows the first day too."""
    import altair as alt

    long = daily.reset_index(names="day").melt(id_vars=["day", "questions"], value_vars=list(insights.RATES),
                                               var_name="rate", value_name="percent")
    long["day"] = long["day"].dt.strftime("%Y-%m-%d")
    colour = alt.Color("rate:N", title=None, sort=list(insights.RATES),
                       scale=alt.Scale(domain=list(insights.RATES), range=["#2e7d32", "#c62828", "#ef6c00"]),
                       legend=alt.Legend(orient="bottom"))
    return alt.Chart(long, height=280).mark_bar().encode(
        x=alt.X("day:N", title=None, axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset("rate:N", sort=list(insights.RATES)),
        y=alt.Y("percent:Q", title="% of questions", scale=alt.Scale(domain=[0, 100])),
        color=colour, tooltip=["day", "rate", "percent", "questions"])


def overview(entries: list[dict]) -> None:
    numbers = insights.summary(entries)
    cells = st.columns(5)
    cells[0].metric("Questions", numbers["questions"])
    cells[1].metric("Answered", f"{numbers['answered']}%")
    cells[2].metric("Refused", f"{numbers['refused']}%")
    cells[3].metric("Handed over", f"{numbers['handed over']}%")
    cells[4].metric("Thumbs down", numbers["thumbs down"])
    daily = insights.rates_by_day(entries)
    if len(daily):
        st.markdown("**Answered, refused and handed-over rates per day (%)**")
        st.altair_chart(rates_chart(daily), width="stretch")
        st.caption(f"{numbers['questions']} questions; median latency "
                   f"{numbers['median latency ms'] or 0:.0f} ms. A refused question is also handed over (the bot "
                   "offers a person), so the rates need not add up to 100.")


def topics_section(entries: list[dict], below: float) -> None:
    failing = [e for e in entries if insights.refused(e) or insights.low_confidence(e, below)]
    if not failing:
        st.info("No refused or low-confidence questions in this period.")
        return
    distance = st.slider("Topic breadth (cosine distance)", 0.3, 0.9, insights.TOPIC_DISTANCE, 0.05,
                         key="topic-distance", help="Higher puts more questions together")
    found = insights.topics(failing, helpdesk_for(settings).embedder, distance)
    st.markdown(f"**{len(failing)} refused or low-confidence questions in {len(found)} topics**")
    chart = {t.label[:60]: len(t.entries) for t in found[:12]}
    st.bar_chart(chart, horizontal=True, x_label="", y_label="questions", height=max(160, 40 * len(chart)))
    for n, topic in enumerate(found):
        with st.expander(f"{topic.label} ({len(topic.entries)})", expanded=n < 3):
            for entry in topic.entries:
                st.text(f"{entry['created_at'][:16]}  {insights.why_flagged(entry, below) or ''}  "
                        f"(confidence {entry['confidence']:.2f})  {entry['question']}")
            st.button("Write a curated answer for this topic", key=f"topic-curate-{n}", on_click=load_into_form,
                      args=(topic.questions,))


def thumbs_down(entries: list[dict]) -> None:
    down = [e for e in entries if e.get("rating") == -1]
    if not down:
        st.info("No thumbs-down answers in this period.")
        return
    st.dataframe([{"when": e["created_at"][:16], "question": e["question"], "comment": e["comment"],
                   "route": e["route"], "answer": e["answer"]} for e in reversed(down)],
                 hide_index=True, width="stretch")
    for n, entry in enumerate(down[-10:]):
        st.button(f"Curate: {entry['question'][:70]}", key=f"down-curate-{n}", on_click=load_into_form,
                  args=([entry["question"]],))


def curated_section() -> None:
    docs = corpus_docs(settings.corpus_dir)
    kind, text = state.pop("cur-message", (None, None))
    if kind:
        getattr(st, kind)(text)
    state.setdefault("cur-doc", "devpack-faq" if "devpack-faq" in docs else next(iter(docs), None))
    editing = state.get("cur-id")
    st.markdown(f"**{'Edit curated answer #' + str(editing) if editing else 'New curated answer'}**")
    st.text_area("Questions it answers (one per line; paraphrases help it match)", key="cur-questions", height=100)
    st.text_area("Answer (given word for word, followed by the citation)", key="cur-answer", height=120)
    st.selectbox("Document it rests on", list(docs), key="cur-doc",
                 format_func=lambda d: f"{docs[d].title} ({d}, as of {docs[d].as_of})")
    buttons = st.columns([1, 1, 4])
    buttons[0].button("Approve", key="cur-approve", type="primary", on_click=save_curated, args=("approved",))
    buttons[1].button("Save draft", key="cur-draft", on_click=save_curated, args=("draft",))

    items = [c for c in curated_store().all() if c.status != "retired"]
    problems = check_curated(settings, items)
    st.markdown(f"**Curated answers ({len(items)} live)**")
    if not items:
        st.caption("None yet.")
        return
    for item_id, found in problems.items():
        st.warning(f"Curated answer #{item_id} is not served: it " + "; it ".join(found))
    st.dataframe([{"id": c.id, "status": c.status, "facts check": "stale" if c.id in problems else "ok",
                   "questions": " / ".join(c.questions), "doc": c.doc, "answer": c.answer, "updated": c.updated_at[:16]}
                  for c in items], hide_index=True, width="stretch")
    chosen = st.selectbox("Curated answer to edit or retire", [c.id for c in items], key="cur-pick",
                          format_func=lambda i: f"#{i} {next(c for c in items if c.id == i).questions[0][:80]}")
    item = next(c for c in items if c.id == chosen)
    row = st.columns([1, 1, 4])
    row[0].button("Edit", key="cur-edit", on_click=load_into_form,
                  args=(list(item.questions), item.answer, item.doc, item.id))
    row[1].button("Retire", key="cur-retire", on_click=retire_curated, args=(item.id,))


def export_section(entries: list[dict], below: float) -> None:
    failing = [e for e in entries if insights.why_flagged(e, below)][-MAX_EXPORT:]
    if not failing:
        st.info("Nothing to export: no refused, low-confidence or thumbs-down answers in this period.")
        return
    labels = {e["answer_id"]: f"{e['created_at'][:16]} · {insights.why_flagged(e, below)} · {e['question'][:80]}"
              for e in failing}
    chosen = st.multiselect("Log entries to export as golden Q&A lines", list(labels), default=list(labels),
                            format_func=labels.get, key="export-pick")
    approved = [c for c in curated_store().all("approved")]
    lines = [insights.golden_line(e, approved, settings, embedder=helpdesk_for(settings).embedder) for e in failing
             if e["answer_id"] in chosen]
    if not lines:
        return
    todo = sum("todo" in line for line in lines)
    st.caption(f"{len(lines)} lines; {len(lines) - todo} take their expectation from a curated answer, {todo} carry "
               "a placeholder to replace with the figures or keywords the right answer must contain. Run them with "
               "`python -m eval --golden FILE`.")
    text = insights.golden_jsonl(lines)
    st.download_button("Download golden lines (.jsonl)", text, file_name="golden-from-log.jsonl",
                       mime="application/jsonl", key="export-download")
    st.code(text, language="json", wrap_lines=True)


st.title("Insights")
if allowed():
    log_entries = ConversationLog(settings.database).entries()
    if not settings.conversation_log:
        st.warning("The conversation log is off (HELPDESK_CONVERSATION_LOG=0): nothing new is recorded.")
    shown, low = filters(log_entries)
    tabs = st.tabs(["Overview", "Topics", "Thumbs down", "Curated answers", "Export to evaluation"])
    with tabs[0]:
        overview(shown)
    with tabs[1]:
        topics_section(shown, low)
    with tabs[2]:
        thumbs_down(shown)
    with tabs[3]:
        curated_section()
    with tabs[4]:
        export_section(shown, low)
