//! The task list: edit each task (name, hook, sidecar), set its state as the
//! alloc runner would report it, and read why it is blocked.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::limits::MAX_NAME_BYTES;
use crate::playground::{RunnerStatus, TaskView};
use crate::{Hook, TaskState};

#[derive(Properties, PartialEq)]
pub struct TaskListProps {
    pub runners: Rc<Vec<TaskView>>,
    pub edit_error: Option<(usize, String)>,
    /// A report Nomad's task runner could not have made: the task and why.
    #[prop_or_default]
    pub flag: Option<(usize, String)>,
    /// Run mode: the simulation reports states, so the buttons are disabled.
    #[prop_or_default]
    pub locked: bool,
    /// Embed mode: state buttons only, no editing.
    #[prop_or_default]
    pub compact: bool,
    pub on_state: Callback<(usize, TaskState)>,
    pub on_rename: Callback<(usize, String)>,
    pub on_hook: Callback<(usize, Hook)>,
    pub on_sidecar: Callback<(usize, bool)>,
    pub on_delete: Callback<usize>,
    pub on_add: Callback<()>,
}

/// The four states a task runner reports, as the state buttons offer them.
const STATES: [(&str, TaskState); 4] = [
    ("pending", TaskState::pending()),
    ("running", TaskState::running()),
    ("dead", TaskState::dead()),
    ("failed", TaskState::failed()),
];

const HOOKS: [(&str, Hook); 4] = [
    ("main", Hook::Empty),
    ("prestart", Hook::Prestart),
    ("poststart", Hook::Poststart),
    ("poststop", Hook::Poststop),
];

#[function_component]
pub fn TaskList(props: &TaskListProps) -> Html {
    let on_add = props.on_add.clone();
    html! {
        <div class="tasks">
            { for props.runners.iter().map(|task| {
                let error = props.edit_error.as_ref().filter(|(i, _)| *i == task.index).map(|(_, e)| e.clone());
                task_card(props, task, error)
            }) }
            if props.edit_error.as_ref().is_some_and(|(i, _)| *i >= props.runners.len()) {
                <p class="edit-error" role="alert">{ props.edit_error.as_ref().map(|(_, e)| e.clone()) }</p>
            }
            if !props.compact {
                <button type="button" class="add" onclick={move |_| on_add.emit(())}>{ "+ Add a task" }</button>
            }
        </div>
    }
}

fn task_card(props: &TaskListProps, task: &TaskView, error: Option<String>) -> Html {
    let i = task.index;
    let name = &task.spec.name;
    let hook = task.spec.lifecycle.map(|l| l.hook).unwrap_or(Hook::Empty);
    let sidecar = task.spec.lifecycle.is_some_and(|l| l.sidecar);
    let stage = task.spec.stage();
    let id = |what: &str| format!("task-{i}-{what}");

    let on_rename = props.on_rename.clone();
    let rename = Callback::from(move |e: Event| {
        let input: HtmlInputElement = e.target_unchecked_into();
        on_rename.emit((i, input.value()));
    });
    let on_hook = props.on_hook.clone();
    let set_hook = Callback::from(move |e: Event| {
        let select: HtmlSelectElement = e.target_unchecked_into();
        if let Some((_, hook)) = HOOKS.iter().find(|(label, _)| *label == select.value()) {
            on_hook.emit((i, *hook));
        }
    });
    let on_sidecar = props.on_sidecar.clone();
    let set_sidecar = Callback::from(move |e: Event| {
        let input: HtmlInputElement = e.target_unchecked_into();
        on_sidecar.emit((i, input.checked()));
    });
    let on_delete = props.on_delete.clone();

    html! {
        <article key={format!("{i}-{name}")} class={classes!("task", task.allowed.then_some("allowed"))}
            data-task-card={name.clone()} data-stage={stage.as_str()}>
            if props.compact {
                <strong class="task-title">{ name }</strong>
            } else {
            <div class="task-edit">
                <label for={id("name")} class="visually-hidden">{ format!("Name of task {}", i + 1) }</label>
                <input id={id("name")} type="text" value={name.clone()} onchange={rename} maxlength={MAX_NAME_BYTES.to_string()}
                    aria-invalid={error.is_some().then_some("true")}
                    aria-describedby={error.is_some().then(|| id("error"))} />
                <label for={id("hook")} class="visually-hidden">{ format!("Hook of {name}") }</label>
                <select id={id("hook")} onchange={set_hook}>
                    { for HOOKS.iter().map(|(label, h)| html! {
                        <option value={*label} selected={*h == hook}>{ *label }</option>
                    }) }
                </select>
                if hook.takes_sidecar() {
                    <label class="sidecar">
                        <input type="checkbox" checked={sidecar} onchange={set_sidecar} />
                        { "sidecar" }
                    </label>
                }
                <button type="button" class="delete" aria-label={format!("Delete {name}")}
                    onclick={move |_| on_delete.emit(i)}>{ "✕" }</button>
            </div>
            }
            if let Some(error) = error {
                <p id={id("error")} class="edit-error" role="alert">{ error }</p>
            }
            { state_radios(props, task) }
            if let Some(flag) = props.flag.as_ref().filter(|(t, _)| *t == i) {
                <p class="flag" role="status" data-flag={name.clone()}>{ "⚠ " }{ &flag.1 }</p>
            }
            <p class="why" data-explain={name.clone()}>
                <span class={classes!("runner", task.status().class())}>
                    { match task.status() {
                        RunnerStatus::Waiting => "○ waiting on its gate",
                        RunnerStatus::Admitted => "● admitted: its start condition passed",
                        RunnerStatus::Running => "● running",
                        RunnerStatus::Exited => "✓ exited 0: it waits for nothing",
                        RunnerStatus::Failed => "✗ failed",
                    } }
                </span>
                // Why it waits: only a runner that is waiting is blocked.
                if !task.allowed && task.status() == RunnerStatus::Waiting {
                    { " — " }{ &task.explain }
                }
            </p>
        </article>
    }
}

/// The task's state as one radio group: one tab stop, arrow keys (and Home,
/// End) report the next state and keep the focus on it, as WAI-ARIA's radio
/// group pattern does.
fn state_radios(props: &TaskListProps, task: &TaskView) -> Html {
    let i = task.index;
    let name = &task.spec.name;
    let current = STATES
        .iter()
        .position(|(label, _)| *label == task.state.label())
        .unwrap_or(0);
    let on_state = props.on_state.clone();
    let locked = props.locked;
    let onkeydown = Callback::from(move |e: KeyboardEvent| {
        let last = STATES.len() - 1;
        let next = match e.key().as_str() {
            "ArrowRight" | "ArrowDown" => (current + 1) % STATES.len(),
            "ArrowLeft" | "ArrowUp" => (current + last) % STATES.len(),
            "Home" => 0,
            "End" => last,
            _ => return,
        };
        e.prevent_default();
        if locked {
            return;
        }
        on_state.emit((i, STATES[next].1));
        // The radio that is now checked takes the focus.
        let group: Option<web_sys::Element> = e
            .target_dyn_into::<web_sys::Element>()
            .and_then(|t| t.parent_element());
        let selector = format!("[data-state-button=\"{}\"]", STATES[next].0);
        if let Some(Ok(Some(radio))) = group.map(|g| g.query_selector(&selector)) {
            if let Ok(radio) = radio.dyn_into::<web_sys::HtmlElement>() {
                let _ = radio.focus();
            }
        }
    });
    html! {
        <div class="states" role="radiogroup" aria-label={format!("State of {name}")} {onkeydown}>
            { for STATES.iter().enumerate().map(|(k, (label, state))| {
                let on_state = props.on_state.clone();
                let state = *state;
                let checked = k == current;
                html! {
                    <button type="button" role="radio" class={classes!("state", *label)} disabled={locked}
                        data-state-button={*label} aria-checked={checked.to_string()}
                        tabindex={if checked { "0" } else { "-1" }}
                        onclick={move |_| on_state.emit((i, state))}>{ *label }</button>
                }
            }) }
        </div>
    }
}
