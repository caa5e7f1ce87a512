"""Survey: one dimension a page, every answer saved to the database as it is given."""

from typing import Any

import streamlit as st

from scoring.answers import NA, NA_LABEL, Responses
from scoring.bank import Question, ScoredQuestion
from scoring.engine import score
from threadline.web import browser, peers, saving, session, ui
from threadline.web.session import UNANSWERED, AnswerChange
from threadline.web.ui import NA_CHOICE

NONE_OF_THESE = "__none__"
# a compact h1; the private link's copy button always shown (touch screens have no hover to reveal it)
SURVEY_STYLE = """<style>
.st-key-survey-title h1 { font-size: 1rem; font-weight: 600; padding: 0; color: inherit; opacity: 0.75; }
.st-key-dimension-heading h2:focus { outline: none; }
.st-key-private-link [data-testid="stCode"] div:has(> div > [data-testid="stElementToolbarButton"]),
.st-key-private-link [data-testid="stCode"] div:has(> div > [data-testid="stElementToolbarButton"]) * {
  opacity: 1 !important; visibility: visible !important;
}
</style>"""
NOTE_MAX_CHARS = 500
LABEL_MAX_CHARS = 200  # a widget's hidden label: the question text, cut
MISSING_MAX_CHARS = 90  # a question's text on its button in the list of missing answers
MISSING_ONE_BY_ONE = 8  # up to this many missing answers get a button each; more are grouped per dimension

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
    show_saved(question, "note")


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


def question_key(question_id: str) -> str:
    """The key of a question's container: its CSS class is how a link scrolls to the question."""
    return f"question-{question_id}"


def is_missing(question: Question) -> bool:
    """A required question without an answer."""
    return question.is_required and question.id not in assessment.answers


def dimension_finished(index: int) -> bool:
    """Every required question of the dimension answered (or, without any, at least one answer)."""
    questions = bank.dimensions[index].questions
    required = [q for q in questions if q.is_required]
    if required:
        return not any(is_missing(q) for q in required)
    return any(q.id in assessment.answers for q in questions)


def jump_label(index: int) -> str:
    """A dimension in the jump menu, ticked once finished."""
    return ("✓ " if dimension_finished(index) else "") + f"{index + 1}. {bank.dimensions[index].title}"


def show_question(number: int, question: Question, flag_missing: bool) -> None:
    restore_widgets(question)
    required = "" if question.is_required else " *(optional)*"
    st.markdown(f"**{number}.** {question.text}{required}")
    if question.help:
        st.caption(question.help)
    if flag_missing and is_missing(question):
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
            placeholder="Type here; it is saved as you type.",
        )
    show_saved(question, "answer")


def show_saved(question: Question, part: saving.Part) -> None:
    """Beside the answer (or the note): *Saved* once it is stored, or why it was not, with a way to try again."""
    failed = saving.unsaved(assessment.flags, question.id, part)
    if failed is not None:
        st.error(failed.message(), icon=":material/error:")
        if not failed.can_retry:
            return
        st.button(
            f"Try again to save this {part}",
            key=f"retry:{assessment.id}:{question.id}:{part}",
            on_click=session.retry,
            args=(assessment, question.id, part),
        )
    elif part == "answer" and saving.was_saved(assessment.flags, question.id):
        st.caption(":material/check: Saved")


def progress_text() -> tuple[float, str]:
    scored = [q for q in bank.questions.values() if q.is_scored]
    answered = sum(1 for q in scored if q.id in assessment.answers)
    page = current_page()
    text = f"Dimension {page + 1} of {len(bank.dimensions)} · {answered} of {len(scored)} answered"
    return (answered / len(scored) if scored else 1.0), text


def current_page() -> int:
    return min(max(assessment.page, 0), len(bank.dimensions) - 1)


def go_to_question(question_id: str) -> None:
    """Show the question's dimension, scrolled to the question (the browser helper does the scrolling)."""
    session.go_to_page(assessment, page_of[question_id])
    assessment.flags["focus"] = question_id
    assessment.flags["focus_count"] = assessment.flags.get("focus_count", 0) + 1


def finish() -> None:
    if score(bank, Responses(dict(assessment.answers))).missing:
        assessment.flags["show_missing"] = True
        return
    session.submit(assessment)
    peers.keep_current(assessment)  # joins the comparison now, if the owner chose to
    assessment.flags["go_results"] = True


def compare_choice_changed() -> None:
    peers.set_compared(assessment, st.session_state[f"compare:{assessment.id}"])


def missing_message(count: int) -> str:
    """The line above the list of missing answers, in correct grammar."""
    if count == 1:
        return "1 required question still needs an answer:"
    return f"{count} required questions still need an answer:"


def show_missing_list() -> None:
    """Each missing answer a button to its question; many of them, one button per dimension."""
    missing = score(bank, Responses(dict(assessment.answers))).missing
    if not missing:
        return
    st.error(missing_message(len(missing)))
    if len(missing) <= MISSING_ONE_BY_ONE:
        for question_id in missing:
            dimension = bank.dimension_of[question_id]
            text = ui.plain_cut(bank.questions[question_id].text, MISSING_MAX_CHARS, "…")
            st.button(
                f"{dimension.title}: {text}",
                key=f"missing:{question_id}",
                on_click=go_to_question,
                args=(question_id,),
                icon="↩",
            )
        return
    for dimension in bank.dimensions:
        left = [q.id for q in dimension.questions if q.id in missing]
        if not left:
            continue
        count = "1 question · go to it" if len(left) == 1 else f"{len(left)} questions · go to the first"
        st.button(
            f"{dimension.title}: {count}",
            key=f"missing-dimension:{dimension.id}",
            on_click=go_to_question,
            args=(left[0],),
            icon="↩",
        )


@st.fragment
def question_block(
    number: int, question: Question, progress_slot: Any, flag_missing: bool, was_missing: bool, was_finished: bool
) -> None:
    """One question; a click reruns only this block and the progress bar above.

    When the answer changes what the rest of the page shows (an entry of the list of missing
    answers, the tick on the dimension in the jump menu), the whole page reruns.
    """
    show_question(number, question, flag_missing)
    # Every block draws the bar on the page's run too: a block's rerun alone can only redraw
    # what that block drew (Streamlit drops its deltas to anything else).
    progress_slot.progress(*progress_text())
    if (flag_missing and was_missing != is_missing(question)) or was_finished != dimension_finished(page):
        st.rerun()


def show_private_link() -> None:
    """The owner's way back, compact at the top of every page."""
    with st.container(key="private-link", gap="small"):
        st.caption(
            "**Your private link to continue later** (anyone with it can change your answers). "
            "Or bookmark this page: its address is your link."
        )
        st.code(session.resume_link(assessment), language=None, wrap_lines=True)


lost_at = st.query_params.get(browser.LOST_PARAM)
if lost_at is not None:  # the browser's word that a click never reached the server (threadline.web.browser)
    for lost_question in bank.questions.values():
        if browser.key_class(question_key(lost_question.id)) == f"st-key-question-{lost_at}":
            saving.lost(assessment.flags, lost_question.id)
    del st.query_params[browser.LOST_PARAM]
if assessment.flags.pop("go_results", False):
    ui.go_with(assessment, "results")
just_started = st.session_state.pop("just_started", False)

dimensions = bank.dimensions
page_of = {q.id: i for i, d in enumerate(dimensions) for q in d.questions}
page = current_page()
st.html(SURVEY_STYLE)
with st.container(key="survey-title"):
    st.title(ui.plain(bank.title), anchor=False)
show_private_link()
session.closed_notice(assessment)
saving.show_paused()
if just_started:
    st.success("Your assessment has started. Every answer is saved as you give it.")
progress = st.empty()
progress.progress(*progress_text())
st.session_state["jump"] = page
st.selectbox(
    "Go to dimension",
    range(len(dimensions)),
    format_func=jump_label,
    key="jump",
    on_change=lambda: session.go_to_page(assessment, st.session_state["jump"]),
)
dimension = dimensions[page]
with st.container(key="dimension-heading"):
    st.header(dimension.title, anchor=False)
if dimension.description:
    st.markdown(dimension.description)
flag_missing = assessment.flags.get("show_missing", False)
finished = dimension_finished(page)
first_number = sum(len(d.questions) for d in dimensions[:page]) + 1
for offset, question in enumerate(dimension.questions):
    with st.container(border=True, key=question_key(question.id)):
        if question.type == "text":
            # Not a fragment: a text box commits when it loses focus, and when that is a click on
            # Next, Back or See my results, Streamlit 1.67 would rerun only the fragment and lose the page change.
            show_question(first_number + offset, question, flag_missing)
        else:
            question_block(first_number + offset, question, progress, flag_missing, is_missing(question), finished)
            # outside the fragment, for the same reason as text questions
            show_note(question)

if flag_missing:
    show_missing_list()
last_page = page == len(dimensions) - 1
if last_page and assessment.kind == "self":
    st.checkbox(
        peers.CHOICE_LABEL,
        value=peers.compared(assessment),
        key=f"compare:{assessment.id}",
        on_change=compare_choice_changed,
        help=peers.CHOICE_HELP,
    )
if last_page:
    back, forward = st.columns(2)
else:
    back, results, forward = st.columns(3)
    results.button("See my results", on_click=finish, width="stretch", key="finish-early")
back.button("← Back", disabled=page == 0, on_click=session.go_to_page, args=(assessment, page - 1), width="stretch")
if not last_page:
    forward.button("Next →", type="primary", on_click=session.go_to_page, args=(assessment, page + 1), width="stretch")
else:
    forward.button("See my results", type="primary", on_click=finish, width="stretch")

focus = assessment.flags.pop("focus", None)
browser.run(
    turn={
        "scope": f"survey:{assessment.id}",
        "page": page,
        "heading": f".{browser.key_class('dimension-heading')} h2",
        "target": browser.key_class(question_key(focus)) if focus else None,
        "nonce": assessment.flags.get("focus_count", 0),
    },
    remember=assessment.token if just_started else None,
    warm_charts=True,
)
