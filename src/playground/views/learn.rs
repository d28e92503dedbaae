//! The Learn tour (`#learn/<id>`): a lesson's words and "try it" steps
//! beside its live scene (the switchboard's diagram, reactions and task
//! states). The words come from `tools::scenario::lessons`; this only lays
//! them out. `?embed&lesson=<id>` shows the scene and the steps alone.

use yew::html::Scope;
use yew::prelude::*;

use super::toolbar::control_button;
use super::{diagram, next_panel, task_list, Page};
use crate::playground::app::App;
use crate::playground::msg::{BoardMsg, Msg};
use crate::playground::state::LearnState;
use crate::tools::scenario::lessons::{Act, Lesson, LESSONS};
use crate::tools::scenario::Preset;

/// Text with `code` spans, as the lessons write them.
fn words(text: &str) -> Html {
    html! {
        { for text.split('`').enumerate().map(|(k, part)| if k % 2 == 1 {
            html! { <code>{ part }</code> }
        } else {
            html! { { part } }
        }) }
    }
}

/// A step's actions as the tests read them: `report:<task>:<state>`,
/// `apply`, `restart`, `restore`, `all-pending`, joined by `;`.
fn acts_attr(acts: &[Act]) -> String {
    acts.iter()
        .map(|a| match a {
            Act::Report(task, state) => format!("report:{task}:{}", state.label()),
            Act::Apply => "apply".into(),
            Act::Restart => "restart".into(),
            Act::Restore => "restore".into(),
            Act::AllPending => "all-pending".into(),
        })
        .collect::<Vec<_>>()
        .join(";")
}

/// The lesson's steps, each ticked off once the scene shows it (under an
/// `h2` in an embed, whose lesson title is the `h1`).
fn steps(learn: &LearnState, lesson: &Lesson, embed: bool) -> Html {
    let done = learn.done(learn.lesson);
    html! {
        <>
        if embed {
            <h2 id="try-title">{ "Try it" }</h2>
        } else {
            <h3 id="try-title">{ "Try it" }</h3>
        }
        <ol class="try-it" aria-labelledby="try-title" aria-live="polite">
            { for lesson.steps.iter().enumerate().map(|(k, step)| {
                let ticked = k < done;
                html! {
                    <li data-step={k.to_string()} data-done={ticked.to_string()} data-acts={acts_attr(step.acts)}
                        class={classes!(ticked.then_some("done"), (k == done).then_some("next"))}>
                        <span class="tick" aria-hidden="true">{ if ticked { "✓ " } else { "○ " } }</span>
                        <span class="visually-hidden">{ if ticked { "Done: " } else { "To do: " } }</span>
                        { words(step.says) }
                    </li>
                }
            }) }
        </ol>
        if done == lesson.steps.len() {
            <p class="lesson-done" data-lesson-done="">{ "✓ You did every step of this lesson." }</p>
        }
        </>
    }
}

/// The alloc runner's controls a lesson may ask for, each said in words.
fn controls(link: &Scope<App>) -> Html {
    let button = |label, says, msg: fn() -> BoardMsg| {
        control_button(label, says, link.callback(move |_| Msg::Board(msg())))
    };
    html! {
        <div class="controls" role="group" aria-label="Alloc runner">
            { button("All pending", "report every task pending", || BoardMsg::AllPending) }
            { button("Restart", "nomad alloc restart -all-tasks: back to init", || BoardMsg::Restart) }
            { button("Restore", "a client restart: restore() skips init", || BoardMsg::Restore) }
        </div>
    }
}

/// The Learn view, or with `embed` a lesson's scene and steps alone.
pub fn learn(page: &Page, learn: &LearnState, embed: bool, link: &Scope<App>) -> Html {
    let lesson = learn.current();
    let runners = page.runners();
    let scene = html! {
        <>
        <section class="panel diagram-panel" id="diagram-panel" tabindex="-1" aria-labelledby="diagram-title">
            <h2 id="diagram-title">{ "The scene" }</h2>
            { diagram(page, &runners, link) }
            { next_panel(page, link) }
        </section>
        <section class="panel tasks-panel" aria-labelledby="tasks-title">
            <h2 id="tasks-title">{ "Tasks" }</h2>
            { controls(link) }
            { task_list(page, &runners, link, true) }
        </section>
        </>
    };
    if embed {
        return html! {
            <main class="embed learn-embed" data-embed="" data-complete="" data-lesson-shown={lesson.id}>
                <div class="embed-head">
                    <h1>{ lesson.title }</h1>
                    <a href={format!("./#learn/{}", lesson.id)} target="_blank" rel="noopener">{ "The whole lesson ↗" }</a>
                </div>
                { steps(learn, lesson, true) }
                { scene }
            </main>
        };
    }
    let n = learn.lesson;
    let nav_link = |i: usize, rel: &'static str, arrow: &str| {
        LESSONS.get(i).map(|l| {
            let text = if rel == "prev" {
                format!("{arrow} {}", l.title)
            } else {
                format!("{} {arrow}", l.title)
            };
            html! { <a href={format!("#learn/{}", l.id)} rel={rel} data-nav={rel}>{ text }</a> }
        })
    };
    html! {
        <>
        <header class="toolbar learn-head">
            <a class="skip-link" href="#diagram-panel" onclick={super::toolbar::skip_to_diagram()}>{ "Skip to the scene" }</a>
            <div class="title">
                <h1>{ "Learn: Nomad's task lifecycle" }</h1>
                <p class="lede">{ "Nine short lessons, each a live scene you can poke. Your progress stays in this browser." }</p>
                <a href={format!("#{}", lesson.scene)} data-open-scene="">{ "Open this scene in the playground" }</a>
            </div>
            <nav class="lessons" aria-label="Lessons">
                <ol>
                    { for LESSONS.iter().enumerate().map(|(i, l)| {
                        let complete = learn.done(i) == l.steps.len();
                        html! {
                            <li>
                                <a href={format!("#learn/{}", l.id)} data-lesson={l.id}
                                    aria-current={(i == n).then_some("page")}>
                                    { l.title }
                                    if complete { <span class="lesson-complete">{ " ✓" }<span class="visually-hidden">{ " (done)" }</span></span> }
                                </a>
                            </li>
                        }
                    }) }
                </ol>
            </nav>
        </header>
        <main class="layout learn-layout" data-complete="">
            <section class="panel lesson" aria-labelledby="lesson-title" data-lesson-shown={lesson.id}>
                <h2 id="lesson-title" tabindex="-1">{ format!("{}. {}", n + 1, lesson.title) }</h2>
                { for lesson.text.iter().map(|p| html! { <p>{ words(p) }</p> }) }
                { steps(learn, lesson, false) }
                if let Some(preset) = lesson.over_time.and_then(Preset::find) {
                    <p><a href={format!("#{}", preset.scenario().to_hash())} data-over-time="">
                        { format!("Watch it over time: “{}” in run mode", preset.title) }</a></p>
                }
                <nav class="lesson-nav" aria-label="Previous and next lesson">
                    { n.checked_sub(1).and_then(|i| nav_link(i, "prev", "←")).unwrap_or_default() }
                    { nav_link(n + 1, "next", "→").unwrap_or_default() }
                </nav>
            </section>
            { scene }
        </main>
        </>
    }
}
