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
    let button = |label: &'static str, title: &'static str, cb: &Callback<()>| {
        let cb = cb.clone();
        html! {
            <button type="button" title={title} data-control={label.to_lowercase()}
                onclick={move |_| cb.emit(())}>{ label }</button>
        }
    };
    html! {
        <header class="toolbar">
            <div class="title">
                <h1>{ "Nomad task lifecycle" }</h1>
                <p class="lede">
                    { "Nomad starts a task group's tasks in order: " }
                    <b>{ "prestart" }</b>{ " tasks first, then the " }<b>{ "main" }</b>
                    { " tasks, then " }<b>{ "poststart" }</b>{ " tasks, and " }<b>{ "poststop" }</b>
                    { " tasks once everything else is dead. A coordinator decides, one gate per kind of task. \
                       Set task states below and watch the gates open and close." }
                </p>
            </div>
            <nav class="presets" aria-label="Presets">
                { for PRESETS.iter().map(|preset| {
                    let cb = props.on_preset.clone();
                    let id = preset.id;
                    html! {
                        <button type="button" data-preset={id} title={preset.about}
                            aria-pressed={(props.preset == Some(id)).to_string()}
                            onclick={move |_| cb.emit(id)}>{ preset.title }</button>
                    }
                }) }
            </nav>
            <div class="controls" role="group" aria-label="Alloc runner">
                if !props.run_mode {
                    { button("All pending", "Report every task pending (needed after a restart)", &props.on_all_pending) }
                    { button("Restart", "Alloc restart: back to init, every gate closed", &props.on_restart) }
                    { button("Restore", "Alloc restore: apply the current states through restore()", &props.on_restore) }
                }
                { button("Reset", "Same tasks, all pending, new coordinator", &props.on_reset) }
                <label class="share">
                    <span>{ "Share link" }</span>
                    <input type="text" readonly=true value={props.share.clone()} data-share="" />
                </label>
            </div>
        </header>
    }
}
