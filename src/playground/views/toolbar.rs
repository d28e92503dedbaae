//! The header: title, presets, alloc-runner controls and the share link.

use yew::prelude::*;

use crate::tools::scenario::PRESETS;
use crate::Phase;

#[derive(PartialEq)]
pub struct ToolbarProps {
    pub phase: Phase,
    /// Run mode: the switchboard's own controls are hidden (run mode has its own).
    pub run_mode: bool,
    pub share: String,
    /// The preset shown (pressed), if the group is still one.
    pub preset: Option<&'static str>,
    pub on_preset: Callback<&'static str>,
    pub on_restart: Callback<()>,
    pub on_restore: Callback<()>,
    pub on_reset: Callback<()>,
    pub on_all_pending: Callback<()>,
}

/// A plain view function, not a component: it re-renders with the page anyway,
/// and every component type costs wasm size.
pub fn toolbar(props: &ToolbarProps) -> Html {
    let button = |label: &'static str, says: &'static str, cb: &Callback<()>| {
        let cb = cb.clone();
        control_button(label, says, Callback::from(move |_| cb.emit(())))
    };
    let about = props
        .preset
        .and_then(|id| PRESETS.iter().find(|p| p.id == id))
        .map(|p| p.about);
    html! {
        <header class="toolbar">
            <a class="skip-link" href="#diagram-title" onclick={skip_to_diagram()}>{ "Skip to the diagram" }</a>
            <div class="title">
                <h1>{ "Nomad task lifecycle" }</h1>
                <p class="lede">
                    { "Nomad starts a task group's tasks in order: " }
                    <b>{ "prestart" }</b>{ " tasks first, then the " }<b>{ "main" }</b>
                    { " tasks, then " }<b>{ "poststart" }</b>{ " tasks, and " }<b>{ "poststop" }</b>
                    { " tasks once everything else is dead. A coordinator decides, one gate per kind of task. \
                       Set task states below and watch the gates open and close." }
                </p>
                <a href="#learn/phases" data-learn-link="">{ "New here? Learn it in nine short lessons →" }</a>
            </div>
            <nav class="presets" aria-label="Presets">
                { for PRESETS.iter().map(|preset| {
                    let cb = props.on_preset.clone();
                    let id = preset.id;
                    html! {
                        <button type="button" data-preset={id}
                            aria-pressed={(props.preset == Some(id)).to_string()}
                            onclick={move |_| cb.emit(id)}>{ preset.title }</button>
                    }
                }) }
            </nav>
            if let Some(about) = about {
                <p class="preset-about" data-preset-about="">{ about }</p>
            }
            <div class="controls" role="group" aria-label="Alloc runner">
                if !props.run_mode {
                    { button("All pending", "report every task pending, as task runners do after a restart", &props.on_all_pending) }
                    { button("Restart", "nomad alloc restart: back to init, every gate closed until every task is reported pending", &props.on_restart) }
                    { button("Restore", "a client restart: the current states through restore(), which may skip init", &props.on_restore) }
                }
                { button("Reset", "the same tasks, all pending, on a new coordinator", &props.on_reset) }
                <label class="share">
                    <span>{ "Share link" }</span>
                    <input type="text" readonly=true value={props.share.clone()} data-share="" />
                </label>
            </div>
        </header>
    }
}

/// The skip link moves the focus itself: following `#diagram-title` would
/// change the URL hash, which holds the share link.
pub(super) fn skip_to_diagram() -> Callback<MouseEvent> {
    Callback::from(|e: MouseEvent| {
        e.prevent_default();
        let target = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("diagram-panel"));
        if let Some(Ok(panel)) = target.map(wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>)
        {
            let _ = panel.focus();
        }
    })
}

/// An alloc-runner control: its button, and what it does in words beside it,
/// not in a tooltip (no hover on touch screens or from the keyboard). Found
/// by `data-control`, its label in lower case.
pub(super) fn control_button(
    label: &'static str,
    says: &'static str,
    onclick: Callback<MouseEvent>,
) -> Html {
    let control = label.to_ascii_lowercase(); // ASCII labels: no Unicode case tables in the wasm
    let id = format!("control-{}", control.replace(' ', "-"));
    html! {
        <span class="control">
            <button type="button" data-control={control} aria-describedby={id.clone()}
                {onclick}>{ label }</button>
            <span class="control-says" id={id}>{ says }</span>
        </span>
    }
}
