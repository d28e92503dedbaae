//! The page's views: they draw what the state structs hold and turn clicks
//! into [`Msg`]s; none of them talks to a coordinator. [`full`] is the
//! playground, [`embed`] the compact view for docs' iframes.

mod diagram;
mod fsm;
mod importer;
mod learn;
mod log;
#[cfg(feature = "run-mode")]
mod run;
mod tasks;
#[cfg(feature = "run-mode")]
mod timeline;
mod toolbar;

use std::rc::Rc;

use yew::html::Scope;
use yew::prelude::*;

use super::app::App;
use super::msg::{BoardMsg, Export, ImportMsg, Mode, Msg};
use super::state::{who_made, ImportState, RunState, Switchboard};
use super::TaskView;
use crate::{Coordinator, Stage};
use diagram::Diagram;
use fsm::{fsm_view, FsmProps};
use importer::Importer;
use log::{event_log, EventLogProps};
#[cfg(feature = "run-mode")]
use run::section as run_section;
use tasks::TaskList;
use toolbar::{toolbar, ToolbarProps};

pub use learn::learn;

/// What the page shows, borrowed from the root component's state.
pub struct Page<'a> {
    pub board: &'a Switchboard,
    /// Run mode's state, when run mode is shown and has a simulation.
    pub run: Option<&'a RunState>,
    pub import: &'a ImportState,
    /// Per task: Nomad's `leader` flag (run mode's behaviours hold it).
    pub leaders: Vec<bool>,
    pub mode: Mode,
    pub notice: Option<&'a str>,
    pub ascii: Option<&'a str>,
    /// The share link: the scenario, and in run mode how it runs.
    pub share: String,
    /// The preset the group was loaded from, while it still is that preset's.
    pub preset: Option<&'static str>,
    /// How much of the full view to render.
    pub shown: Shown,
}

/// How much of the full view is rendered. The first frame shows the diagram
/// alone, and each frame after it adds panels, so that the diagram appears
/// sooner and no single task blocks the page for long (rendering and laying
/// out all the panels at once cost as much again as the diagram).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Shown {
    Diagram,
    /// And the task switches, the history and what Nomad does next (or run
    /// mode's controls and timeline).
    Tasks,
    /// And the coordinator's FSM, the event log and the import panel.
    All,
}

impl Shown {
    /// One step more (`All` stays `All`).
    pub fn next(self) -> Shown {
        match self {
            Shown::Diagram => Shown::Tasks,
            Shown::Tasks | Shown::All => Shown::All,
        }
    }
}

impl Page<'_> {
    /// The coordinator shown: the simulation's in run mode.
    fn coordinator(&self) -> &Coordinator {
        match self.run.and_then(RunState::sim) {
            Some(sim) => sim.coordinator(),
            None => self.board.coordinator(),
        }
    }

    /// Each task and its runner, from the simulation in run mode.
    fn runners(&self) -> Rc<Vec<TaskView>> {
        let c = self.coordinator();
        let sim = self.run.and_then(RunState::sim);
        let scenario = self.board.scenario();
        let views = scenario.tasks.iter().enumerate().map(|(i, task)| TaskView {
            index: i,
            spec: task.clone(),
            state: sim.map_or(scenario.states[i], |sim| sim.states()[i]),
            waiting: sim.map_or(self.board.is_waiting(i), |sim| sim.is_waiting(i)),
            allowed: c.is_allowed(&task.name).unwrap_or(false),
            explain: c.explain(&task.name).unwrap_or_default(),
        });
        Rc::new(views.collect())
    }

    fn gates(&self) -> Rc<Vec<(Stage, bool)>> {
        let c = self.coordinator();
        let gates = c
            .stages()
            .iter()
            .map(|s| (s, c.gate(s).is_some_and(|g| g.is_open())));
        Rc::new(gates.collect())
    }
}

fn diagram(page: &Page, runners: &Rc<Vec<TaskView>>, link: &Scope<App>) -> Html {
    html! {
        <Diagram phase={page.coordinator().phase()} gates={page.gates()} runners={runners.clone()}
            on_report={(page.mode == Mode::Manual).then(|| to_board(link, |(i, s)| BoardMsg::SetState(i, s)))} />
    }
}

/// A callback that sends the switchboard message `f` makes of its input.
fn to_board<T: 'static>(link: &Scope<App>, f: fn(T) -> BoardMsg) -> Callback<T> {
    link.callback(move |x| Msg::Board(f(x)))
}

fn task_list(page: &Page, runners: &Rc<Vec<TaskView>>, link: &Scope<App>, compact: bool) -> Html {
    html! {
        <TaskList
            runners={runners.clone()}
            edit_error={page.board.edit_error().cloned()}
            flag={page.board.flag().filter(|_| page.mode == Mode::Manual).cloned()}
            locked={page.mode == Mode::Run}
            compact={compact}
            on_state={to_board(link, |(i, s)| BoardMsg::SetState(i, s))}
            on_rename={to_board(link, |(i, n)| BoardMsg::Rename(i, n))}
            on_hook={to_board(link, |(i, h)| BoardMsg::SetHook(i, h))}
            on_sidecar={to_board(link, |(i, s)| BoardMsg::SetSidecar(i, s))}
            on_delete={to_board(link, BoardMsg::Delete)}
            on_add={to_board(link, |()| BoardMsg::Add)}
        />
    }
}

/// `?embed`: the diagram and the task switches, nothing else.
pub fn embed(page: &Page, link: &Scope<App>) -> Html {
    let runners = page.runners();
    html! {
        <main class="embed" data-embed="" data-complete="">
            <div class="embed-head">
                <h1>{ "Nomad task lifecycle" }</h1>
                <a href={page.share.clone().replacen("?embed", "?", 1)}
                    target="_blank" rel="noopener">{ "Open in the playground ↗" }</a>
            </div>
            { diagram(page, &runners, link) }
            { task_list(page, &runners, link, true) }
        </main>
    }
}

/// The whole playground.
pub fn full(page: &Page, link: &Scope<App>) -> Html {
    let runners = page.runners();
    let coordinator = page.coordinator();
    let phase = coordinator.phase();
    let board = |msg: fn() -> BoardMsg| link.callback(move |()| Msg::Board(msg()));
    let log = match page.run {
        Some(run) => run.log(),
        None => page.board.log().entries().to_vec(),
    };
    html! {
        <>
        { toolbar(&ToolbarProps {
            phase,
            run_mode: page.mode == Mode::Run,
            share: page.share.clone(),
            preset: page.preset,
            on_preset: link.callback(|id| Msg::Board(BoardMsg::Preset(id))),
            on_restart: board(|| BoardMsg::Restart),
            on_restore: board(|| BoardMsg::Restore),
            on_reset: board(|| BoardMsg::Reset),
            on_all_pending: board(|| BoardMsg::AllPending),
        }) }
        if let Some(notice) = page.notice {
            <div class="notice" role="alert">
                <span>{ notice }</span>
                <button type="button" onclick={link.callback(|_| Msg::DismissNotice)}
                    aria-label="Dismiss this message">{ "×" }</button>
            </div>
        }
        <main class="layout" data-complete={(page.shown == Shown::All).then_some("")}>
            { diagram_panel(page, &runners, link) }
            if page.shown == Shown::All {
            <section class="panel fsm-panel" aria-labelledby="fsm-title">
                <h2 id="fsm-title">{ "Coordinator" }</h2>
                { fsm_view(&FsmProps { phase, checks: Rc::new(coordinator.next_transitions()) }) }
            </section>
            }
            if page.shown >= Shown::Tasks {
            <section class="panel tasks-panel" aria-labelledby="tasks-title">
                <h2 id="tasks-title">{ "Tasks" }</h2>
                { task_list(page, &runners, link, false) }
            </section>
            }
            if page.shown == Shown::All {
            <section class="panel log-panel" aria-labelledby="log-title">
                <h2 id="log-title">{ "Event log" }</h2>
                { event_log(&EventLogProps { entries: Rc::new(log) }) }
            </section>
            { import_panel(page.import, link) }
            }
        </main>
        </>
    }
}

/// Switchboard mode: the reports since the load, to step back and forward
/// through (a slider, and buttons that stay focusable at either end).
fn history_bar(board: &Switchboard, link: &Scope<App>) -> Html {
    let history = board.history();
    let (steps, at) = (&history.reports, history.at);
    let total = steps.len();
    let travel =
        move |to: usize| link.callback(move |_: MouseEvent| Msg::Board(BoardMsg::Travel(to)));
    let on_slide = link.callback(|e: InputEvent| {
        let input: web_sys::HtmlInputElement = e.target_unchecked_into();
        Msg::Board(BoardMsg::Travel(input.value().parse().unwrap_or(0)))
    });
    let now = match at.checked_sub(1).and_then(|k| steps.get(k)) {
        Some(step) => format!(
            "after report {at} of {total}: {} ({})",
            step.cause,
            who_made(step.applied).label()
        ),
        None => format!("as loaded, before any of {total} reports"),
    };
    html! {
        <div class="history" role="group" aria-labelledby="history-title" data-history={format!("{at}/{total}")}>
            <h3 id="history-title">{ "History" }</h3>
            <button type="button" data-travel="back" aria-label="Step back one report"
                aria-disabled={(at == 0).to_string()}
                onclick={travel(at.saturating_sub(1))}>{ "◀" }</button>
            <input type="range" min="0" max={total.to_string()} value={at.to_string()}
                aria-label="Moment in the history" aria-valuetext={now.clone()} oninput={on_slide}
                disabled={total == 0} />
            <button type="button" data-travel="forward" aria-label="Step forward one report"
                aria-disabled={(at == total).to_string()}
                onclick={travel((at + 1).min(total))}>{ "▶" }</button>
            <span class="history-now" aria-live="polite">{ now }</span>
            if at < total {
                <span class="history-fork">{ "a new report from here drops the reports ahead" }</span>
            }
        </div>
    }
}

/// Switchboard mode: what Nomad would do next in the current state, each
/// reaction with an "apply" that reports its outcome.
fn next_panel(page: &Page, link: &Scope<App>) -> Html {
    let reactions = page.board.reactions(&page.leaders);
    html! {
        <div class="next-panel" data-next="" aria-labelledby="next-title" role="region">
            <h3 id="next-title">{ "Nomad's alloc runner would now…" }</h3>
            if reactions.is_empty() {
                <p class="hint">{ "…wait: no task runner can move until you report a state." }</p>
            }
            <ul>
                { for reactions.into_iter().enumerate().map(|(n, r)| html! {
                    <li data-reaction={n.to_string()}>
                        <span>{ r.text }</span>
                        if let Some((_, what)) = r.apply {
                            <button type="button" data-apply={n.to_string()}
                                aria-label={format!("Apply: {what}")}
                                onclick={link.callback(move |_| Msg::Board(BoardMsg::Apply(n)))}>{ "apply" }</button>
                        }
                    </li>
                }) }
            </ul>
        </div>
    }
}

/// The diagram with its mode switch and exports; in run mode, the run's
/// controls and timeline under it.
fn diagram_panel(page: &Page, runners: &Rc<Vec<TaskView>>, link: &Scope<App>) -> Html {
    let mode_button = |label: &'static str, mode: Mode| {
        html! {
            <button type="button" data-mode={label} aria-pressed={(page.mode == mode).to_string()}
                onclick={link.callback(move |_| Msg::SetMode(mode))}>{ label }</button>
        }
    };
    let export = |export: fn() -> Export| link.callback(move |_: MouseEvent| Msg::Export(export()));
    html! {
        <section class="panel diagram-panel" id="diagram-panel" tabindex="-1" aria-labelledby="diagram-title">
            <div class="panel-head">
                <h2 id="diagram-title">{ "Gates" }</h2>
                <div class="modes" role="group" aria-label="Mode">
                    { mode_button("switchboard", Mode::Manual) }
                    { mode_button("run", Mode::Run) }
                </div>
                <div class="exports" role="group" aria-label="Export">
                    <button type="button" data-export="svg" onclick={export(|| Export::Diagram)}>{ "SVG" }</button>
                    <button type="button" data-export="ascii" onclick={export(|| Export::Ascii)}>{ "ASCII" }</button>
                </div>
            </div>
            { diagram(page, runners, link) }
            if page.shown == Shown::Diagram {
                // The first frame: the diagram alone.
            } else if page.mode == Mode::Run {
                { run_section(page, link) }
            } else {
                { history_bar(page.board, link) }
                { next_panel(page, link) }
            }
            if let Some(art) = page.ascii {
                <pre class="ascii" data-ascii="">{ art }</pre>
            }
        </section>
    }
}

/// Run mode's controls, timeline and settings; in the first build (see
/// `handover`), a note while the run build loads.
#[cfg(not(feature = "run-mode"))]
fn run_section(_: &Page, _: &Scope<App>) -> Html {
    html! { <p class="hint" role="status" data-loading="run">{ "Loading run mode…" }</p> }
}

fn import_panel(import: &ImportState, link: &Scope<App>) -> Html {
    let groups = import.pending_job.as_ref().map(|groups| {
        let labels = groups
            .iter()
            .map(|g| format!("{} ({} tasks)", g.name, g.tasks));
        Rc::new(labels.collect::<Vec<_>>())
    });
    html! {
        <section class="panel import-panel" aria-labelledby="import-title">
            <h2 id="import-title">{ "Import from Nomad" }</h2>
            <Importer
                job_text={import.job_text.clone()}
                alloc_text={import.alloc_text.clone()}
                error={import.error.clone()}
                notes={import.notes.clone()}
                groups={groups}
                answered={import.answered}
                busy={import.in_flight > 0}
                on_warm={link.callback(|()| Msg::Import(ImportMsg::Warm))}
                on_job_text={link.callback(|t| Msg::Import(ImportMsg::JobText(t)))}
                on_import={link.callback(|()| Msg::Import(ImportMsg::ImportJob))}
                on_group={link.callback(|i| Msg::Import(ImportMsg::PickGroup(i)))}
                on_alloc_text={link.callback(|t| Msg::Import(ImportMsg::AllocText(t)))}
                on_apply_alloc={link.callback(|()| Msg::Import(ImportMsg::ApplyAlloc))}
            />
        </section>
    }
}
