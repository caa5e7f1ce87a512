"""Survey: one dimension a page, every answer saved to the database as it is given."""

from typing import Any

import streamlit as st

from scoring.answers import NA, NA_LABEL, Responses
from scoring.bank import Question, ScoredQuestion
from scoring.engine import score
from threadline.web import session, ui
from threadline.web.session import UNANSWERED, AnswerChange
from threadline.web.ui import NA_CHOICE

NONE_OF_THESE = "__none__"
NOTE_MAX_CHARS = 500
LABEL_MAX_CHARS = 200  # a widget's hidden label: the question text, cut
MISSING_MAX_CHARS = 90  # a question's text on its button in the list of missing answers

opened = session.open_assessment()
if isinstance(opened, session.LinkProblem):
    ui.link_problem_page(opened.reason)
if not opened.editable:
    ui.go_with(opened, "results")
assessment = opened
bank = assessment.bank


def widget_key(question_id: str, part: str = "") -> str:
    return f"answer:{assessment.id}:{question_id}:{part}"


def save_choice(question: ScoredQuestion) -> None:
    chosen = st.session_state[widget_key(question.id)]
    value = UNANSWERED if chosen is None else NA if chosen == NA_CHOICE else chosen
    session.record_answer(assessment, question.id, value)


def save_text(question: Question) -> None:
    text = st.session_state[widget_key(question.id)]
    session.record_answer(assessment, question.id, text if text.strip() else UNANSWERED)


def save_multi(question: ScoredQuestion, changed: str) -> None:
    """Checkbox lists: 'none of these' and N/A exclude the options, and the reverse."""
    state = st.session_state
    if state[widget_key(question.id, changed)] and changed in (NONE_OF_THESE, NA_CHOICE):
        for part in (*question.option_ids, NONE_OF_THESE, NA_CHOICE):
            if part != changed:
                state[widget_key(question.id, part)] = False
    elif state[widget_key(question.id, changed)]:
        state[widget_key(question.id, NONE_OF_THESE)] = False
        state[widget_key(question.id, NA_CHOICE)] = False
    chosen = tuple(o for o in question.option_ids if state[widget_key(question.id, o)])
    value: AnswerChange
    if state.get(widget_key(question.id, NA_CHOICE)):
        value = NA
    elif chosen or state[widget_key(question.id, NONE_OF_THESE)]:
        value = chosen
    else:
        value = UNANSWERED
    session.record_answer(assessment, question.id, value)


def save_note(question: Question) -> None:
    session.record_note(assessment, question.id, st.session_state[widget_key(question.id, "note")])


def show_note(question: Question) -> None:
    """The optional evidence note on a scored answer: where an outsider could see it."""
    key = widget_key(question.id, "note")
    if key not in st.session_state:
        st.session_state[key] = assessment.notes.get(question.id, "")
    st.text_input(
        "Evidence (optional): where could someone see this?",
        key=key,
        on_change=save_note,
        args=(question,),
        max_chars=NOTE_MAX_CHARS,
        placeholder="e.g. 'Social strategy 2026, page 3' or 'weekly service report'",
    )


def restore_widgets(question: Question) -> None:
    """Widgets start from the stored answer whenever they are (re)created."""
    answer = assessment.answers.get(question.id, UNANSWERED)
    state = st.session_state
    if question.type == "multi":
        if widget_key(question.id, NONE_OF_THESE) in state:
            return
        chosen = answer if isinstance(answer, tuple) else ()
        for option_id in question.option_ids:
            state[widget_key(question.id, option_id)] = option_id in chosen
        state[widget_key(question.id, NONE_OF_THESE)] = answer == ()
        state[widget_key(question.id, NA_CHOICE)] = answer is NA
    elif widget_key(question.id) not in state:
        if question.type == "text":
            state[widget_key(question.id)] = answer if isinstance(answer, str) else ""
        else:
            state[widget_key(question.id)] = None if answer is UNANSWERED else NA_CHOICE if answer is NA else answer


def show_question(number: int, question: Question, flag_missing: bool) -> None:
    restore_widgets(question)
    required = "" if question.is_required else " *(optional)*"
    st.markdown(f"**{number}.** {question.text}{required}")
    if question.help:
        st.caption(question.help)
    if flag_missing and question.id not in assessment.answers and question.is_required:
        st.warning("This question needs an answer.", icon="⚠️")
    if question.type == "choice":
        labels = {o.id: o.label for o in question.options} | {NA_CHOICE: NA_LABEL}
        st.radio(
            ui.plain_cut(question.text, LABEL_MAX_CHARS),
            [*question.option_ids, *([NA_CHOICE] if question.allow_na else [])],
            format_func=labels.__getitem__,
            key=widget_key(question.id),
            on_change=save_choice,
            args=(question,),
            label_visibility="collapsed",
            width="stretch",
        )
    elif question.type == "multi":
        st.caption("Tick all that apply.")
        parts = [(o.id, o.label) for o in question.options] + [(NONE_OF_THESE, "None of these")]
        if question.allow_na:
            parts.append((NA_CHOICE, NA_LABEL))
        for part, label in parts:
            st.checkbox(label, key=widget_key(question.id, part), on_change=save_multi, args=(question, part))
    else:
        st.text_area(
            ui.plain_cut(question.text, LABEL_MAX_CHARS),
            key=widget_key(question.id),
            on_change=save_text,
            args=(question,),
            label_visibility="collapsed",
            max_chars=5000,
            placeholder="Type here; it is saved when you click outside the box.",
        )


def progress_text() -> tuple[float, str]:
    scored = [q for q in bank.questions.values() if q.is_scored]
    answered = sum(1 for q in scored if q.id in assessment.answers)
    page = current_page()
    text = f"Dimension {page + 1} of {len(bank.dimensions)} · {answered} of {len(scored)} answered"
    return (answered / len(scored) if scored else 1.0), text


def current_page() -> int:
    return min(max(assessment.page, 0), len(bank.dimensions) - 1)


def finish() -> None:
    if score(bank, Responses(dict(assessment.answers))).missing:
        assessment.flags["show_missing"] = True
        return
    session.submit(assessment)
    assessment.flags["go_results"] = True


def show_missing_list() -> None:
    missing = score(bank, Responses(dict(assessment.answers))).missing
    if not missing:
        return
    st.error(f"{len(missing)} required question{'s' if len(missing) != 1 else ''} still need an answer:")
    pages = {d.id: i for i, d in enumerate(bank.dimensions)}
    for question_id in missing:
        dimension = bank.dimension_of[question_id]
        text = ui.plain_cut(bank.questions[question_id].text, MISSING_MAX_CHARS, "…")
        st.button(
            f"{dimension.title}: {text}",
            key=f"missing:{question_id}",
            on_click=session.go_to_page,
            args=(assessment, pages[dimension.id]),
            icon="↩",
        )


@st.fragment
def question_block(number: int, question: Question, progress_slot: Any, flag_missing: bool) -> None:
    """One question; a click reruns only this block and the progress bar above."""
    show_question(number, question, flag_missing)
    progress_slot.progress(*progress_text())


if assessment.flags.pop("go_results", False):
    ui.go_with(assessment, "results")
if st.session_state.pop("just_started", False):
    st.success("Your assessment has started. Every answer is saved as you give it.")

dimensions = bank.dimensions
page = current_page()
st.caption(ui.plain(bank.title))
progress = st.empty()
progress.progress(*progress_text())
st.session_state["jump"] = page
st.selectbox(
    "Go to dimension",
    range(len(dimensions)),
    format_func=lambda i: f"{i + 1}. {dimensions[i].title}",
    key="jump",
    on_change=lambda: session.go_to_page(assessment, st.session_state["jump"]),
)
dimension = dimensions[page]
st.header(dimension.title, anchor=False)
if dimension.description:
    st.markdown(dimension.description)
flag_missing = assessment.flags.get("show_missing", False)
first_number = sum(len(d.questions) for d in dimensions[:page]) + 1
for offset, question in enumerate(dimension.questions):
    with st.container(border=True):
        if question.type == "text":
            # Not a fragment: a text box commits when it loses focus, and when that is a click on
            # Next, Back or See my results, Streamlit 1.67 would rerun only the fragment and lose the page change.
            show_question(first_number + offset, question, flag_missing)
        else:
            question_block(first_number + offset, question, progress, flag_missing)
            # outside the fragment, for the same reason as text questions
            show_note(question)

back, forward = st.columns(2)
back.button("← Back", disabled=page == 0, on_click=session.go_to_page, args=(assessment, page - 1), width="stretch")
if page < len(dimensions) - 1:
    forward.button("Next →", type="primary", on_click=session.go_to_page, args=(assessment, page + 1), width="stretch")
else:
    forward.button("See my results", type="primary", on_click=finish, width="stretch")
if flag_missing:
    show_missing_list()

with st.container(border=True):
    st.markdown("**Save this link to continue later** (it is private: anyone with it can change your answers)")
    st.code(session.resume_link(assessment), language=None, wrap_lines=True)
