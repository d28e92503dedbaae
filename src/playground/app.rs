//! The root component: holds the scenario and the live coordinator, turns
//! every user action into the call Nomad's alloc runner would make, and keeps
//! one real `start_condition_for_task` wait per task runner.

use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use yew::prelude::*;

use super::browser;
use super::diagram::Diagram;
use super::fsm::FsmView;
use super::log::{EventLog, LogEntry};
use super::tasks::TaskList;
use super::toolbar::Toolbar;
use crate::scenario::{default_preset, lifecycle_for, Preset, Scenario};
use crate::{Coordinator, Hook, Lifecycle, Stage, TaskSpec, TaskState, Transition};

/// Everything the page can ask for.
pub enum Msg {
    /// The alloc runner reports a task's new state (with everyone else's).
    SetState(usize, TaskState),
    /// Report every task pending (after a restart, say).
    AllPending,
    /// Alloc restart: back to init.
    Restart,
    /// Alloc restore: apply the current states through `restore`.
    Restore,
    /// Same tasks, all pending, new coordinator.
    Reset,
    Preset(&'static str),
    Rename(usize, String),
    SetHook(usize, Hook),
    SetSidecar(usize, bool),
    Delete(usize),
    Add,
    /// A task runner's wait resolved (`ok` false: the coordinator shut down).
    Admitted {
        generation: u64,
        task: usize,
        ok: bool,
    },
    /// The user edited the URL hash.
    HashChanged,
    DismissNotice,
}

pub struct App {
    scenario: Scenario,
    coordinator: Rc<Coordinator>,
    /// Bumped with every new coordinator, so stale waits are ignored.
    generation: u64,
    /// Per task: whether its current wait has resolved.
    admitted: Vec<bool>,
    log: Vec<LogEntry>,
    next_seq: u64,
    /// A message across the top (a bad share link, say).
    notice: Option<String>,
    /// An edit the coordinator refused: the task and why.
    edit_error: Option<(usize, String)>,
    _hash_listener: Option<Closure<dyn FnMut()>>,
}

impl Component for App {
    type Message = Msg;
    type Properties = ();

    fn create(ctx: &Context<Self>) -> Self {
        let (scenario, notice) = match browser::hash() {
            None => (default_preset().scenario(), None),
            Some(hash) => match Scenario::from_hash(&hash) {
                Ok(scenario) => (scenario, None),
                Err(err) => (
                    default_preset().scenario(),
                    Some(format!("{err}. Showing the default preset instead.")),
                ),
            },
        };
        let link = ctx.link().clone();
        let listener = browser::on_hash_change(move || link.send_message(Msg::HashChanged));
        let mut app = App {
            coordinator: Rc::new(Coordinator::default()),
            scenario: Scenario {
                tasks: Vec::new(),
                states: Vec::new(),
            },
            generation: 0,
            admitted: Vec::new(),
            log: Vec::new(),
            next_seq: 0,
            notice,
            edit_error: None,
            _hash_listener: listener,
        };
        app.load(ctx, scenario, "page loaded");
        app
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::SetState(i, state) => {
                let Some(slot) = self.scenario.states.get_mut(i) else {
                    return false;
                };
                *slot = state;
                let name = self.scenario.tasks[i].name.clone();
                self.report(ctx, format!("{name} → {}", describe(state)), false);
            }
            Msg::AllPending => {
                self.scenario.states.fill(TaskState::pending());
                self.report(ctx, "every task → pending".into(), false);
            }
            Msg::Restart => {
                let transition = self.coordinator.restart();
                self.record(ctx, "alloc restart".into(), transition);
            }
            Msg::Restore => self.report(ctx, "alloc restore".into(), true),
            Msg::Reset => {
                let mut scenario = self.scenario.clone();
                scenario.states.fill(TaskState::pending());
                self.load(ctx, scenario, "reset");
            }
            Msg::Preset(id) => {
                if let Some(preset) = Preset::find(id) {
                    self.load(
                        ctx,
                        preset.scenario(),
                        &format!("preset “{}”", preset.title),
                    );
                }
            }
            Msg::Rename(i, name) => {
                self.edit(ctx, i, "renamed", |s| {
                    if let Some(t) = s.tasks.get_mut(i) {
                        t.name = name;
                    }
                });
            }
            Msg::SetHook(i, hook) => {
                self.edit(ctx, i, "hook changed", |s| {
                    if let Some(t) = s.tasks.get_mut(i) {
                        let sidecar = t.lifecycle.is_some_and(|l| l.sidecar);
                        t.lifecycle = match hook {
                            Hook::Empty => None,
                            hook => Some(Lifecycle { hook, sidecar }),
                        };
                    }
                });
            }
            Msg::SetSidecar(i, sidecar) => {
                self.edit(ctx, i, "sidecar changed", |s| {
                    if let Some(Some(l)) = s.tasks.get_mut(i).map(|t| t.lifecycle.as_mut()) {
                        l.sidecar = sidecar;
                    }
                });
            }
            Msg::Delete(i) => {
                self.edit(ctx, i, "task deleted", |s| {
                    if i < s.tasks.len() {
                        s.tasks.remove(i);
                        s.states.remove(i);
                    }
                });
            }
            Msg::Add => {
                let name = (1..)
                    .map(|n| format!("task-{n}"))
                    .find(|n| self.scenario.tasks.iter().all(|t| &t.name != n))
                    .unwrap_or_default();
                let i = self.scenario.tasks.len();
                self.edit(ctx, i, "task added", |s| {
                    s.tasks
                        .push(TaskSpec::new(name, lifecycle_for(Stage::Main)));
                    s.states.push(TaskState::pending());
                });
            }
            Msg::Admitted {
                generation,
                task,
                ok,
            } => {
                if generation != self.generation || !ok || task >= self.admitted.len() {
                    return false;
                }
                self.admitted[task] = true;
                // Admitted, but the gate has closed again since: wait anew.
                self.rearm(ctx);
            }
            Msg::HashChanged => {
                let Some(hash) = browser::hash() else {
                    return false;
                };
                if hash == self.scenario.to_hash() {
                    return false;
                }
                match Scenario::from_hash(&hash) {
                    Ok(scenario) => self.load(ctx, scenario, "share link opened"),
                    Err(err) => self.notice = Some(format!("{err}. Nothing was changed.")),
                }
            }
            Msg::DismissNotice => self.notice = None,
        }
        true
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let c = &self.coordinator;
        let phase = c.phase();
        let runners: Vec<super::TaskView> = self
            .scenario
            .tasks
            .iter()
            .enumerate()
            .map(|(i, task)| {
                let allowed = c.is_allowed(&task.name).unwrap_or(false);
                super::TaskView {
                    index: i,
                    spec: task.clone(),
                    state: self.scenario.states[i],
                    waiting: !self.admitted.get(i).copied().unwrap_or(false),
                    allowed,
                    explain: c.explain(&task.name).unwrap_or_default(),
                }
            })
            .collect();
        let runners = Rc::new(runners);
        let gates: Vec<(Stage, bool)> = c
            .stages()
            .iter()
            .map(|s| (s, c.gate(s).is_some_and(|g| g.is_open())))
            .collect();
        html! {
            <>
            <Toolbar
                phase={phase}
                share={browser::share_url(&self.scenario.to_hash())}
                on_preset={link.callback(Msg::Preset)}
                on_restart={link.callback(|_| Msg::Restart)}
                on_restore={link.callback(|_| Msg::Restore)}
                on_reset={link.callback(|_| Msg::Reset)}
                on_all_pending={link.callback(|_| Msg::AllPending)}
            />
            if let Some(notice) = &self.notice {
                <div class="notice" role="alert">
                    <span>{ notice }</span>
                    <button type="button" onclick={link.callback(|_| Msg::DismissNotice)}
                        aria-label="Dismiss this message">{ "×" }</button>
                </div>
            }
            <main class="layout">
                <section class="panel diagram-panel" aria-labelledby="diagram-title">
                    <h2 id="diagram-title">{ "Gates" }</h2>
                    <div class="diagram-scroll">
                        <Diagram phase={phase} gates={Rc::new(gates)} runners={runners.clone()} />
                    </div>
                </section>
                <section class="panel fsm-panel" aria-labelledby="fsm-title">
                    <h2 id="fsm-title">{ "Coordinator" }</h2>
                    <FsmView phase={phase} checks={Rc::new(c.next_transitions())} />
                </section>
                <section class="panel tasks-panel" aria-labelledby="tasks-title">
                    <h2 id="tasks-title">{ "Tasks" }</h2>
                    <TaskList
                        runners={runners}
                        edit_error={self.edit_error.clone()}
                        on_state={link.callback(|(i, s)| Msg::SetState(i, s))}
                        on_rename={link.callback(|(i, n)| Msg::Rename(i, n))}
                        on_hook={link.callback(|(i, h)| Msg::SetHook(i, h))}
                        on_sidecar={link.callback(|(i, s)| Msg::SetSidecar(i, s))}
                        on_delete={link.callback(Msg::Delete)}
                        on_add={link.callback(|_| Msg::Add)}
                    />
                </section>
                <section class="panel log-panel" aria-labelledby="log-title">
                    <h2 id="log-title">{ "Event log" }</h2>
                    <EventLog entries={Rc::new(self.log.clone())} />
                </section>
            </main>
            </>
        }
    }
}

fn describe(state: TaskState) -> String {
    match (state.state, state.failed) {
        (crate::Status::Dead, true) => "dead (failed)".into(),
        _ => state.to_string(),
    }
}

impl App {
    /// A new coordinator for `scenario`, then the alloc runner's first report
    /// (an update when every task is pending, a restore otherwise).
    fn load(&mut self, ctx: &Context<Self>, scenario: Scenario, why: &str) {
        let coordinator = match Coordinator::new(scenario.tasks.clone()) {
            Ok(c) => c,
            Err(err) => {
                self.notice = Some(err.to_string());
                return;
            }
        };
        // Waits on the old coordinator end with a shutdown error and are ignored.
        self.coordinator.shutdown();
        self.coordinator = Rc::new(coordinator);
        self.generation += 1;
        self.scenario = scenario;
        self.edit_error = None;
        self.admitted = vec![false; self.scenario.tasks.len()];
        self.push_log(format!("{why}: new coordinator in init"), None);
        for i in 0..self.scenario.tasks.len() {
            self.arm(ctx, i);
        }
        let restore = !self.scenario.all_pending();
        self.report(ctx, "first report from the alloc runner".into(), restore);
    }

    /// Applies an edit of the task group if the coordinator accepts it;
    /// otherwise shows its error beside task `i` and changes nothing.
    fn edit(
        &mut self,
        ctx: &Context<Self>,
        i: usize,
        what: &str,
        change: impl FnOnce(&mut Scenario),
    ) {
        let mut candidate = self.scenario.clone();
        change(&mut candidate);
        match Coordinator::new(candidate.tasks.clone()) {
            Ok(_) => {
                candidate.states.fill(TaskState::pending());
                self.load(ctx, candidate, &format!("task group edited ({what})"));
            }
            Err(err) => self.edit_error = Some((i, err.to_string())),
        }
    }

    /// Sends every task's state, as the alloc runner does after any change.
    fn report(&mut self, ctx: &Context<Self>, cause: String, restore: bool) {
        let states: Vec<(String, TaskState)> = self
            .scenario
            .named_states()
            .map(|(n, s)| (n.to_owned(), s))
            .collect();
        let result = if restore {
            self.coordinator.restore(states)
        } else {
            self.coordinator.task_state_updated(states)
        };
        match result {
            Ok(transition) => self.record(ctx, cause, transition),
            Err(err) => self.notice = Some(err.to_string()),
        }
        browser::set_hash(&self.scenario.to_hash());
    }

    fn record(&mut self, ctx: &Context<Self>, cause: String, transition: Option<Transition>) {
        if transition.is_some() {
            self.push_log(cause, transition);
        }
        self.rearm(ctx);
    }

    fn push_log(&mut self, cause: String, transition: Option<Transition>) {
        const KEPT: usize = 200;
        self.next_seq += 1;
        self.log.push(LogEntry {
            seq: self.next_seq,
            cause,
            transition,
        });
        if self.log.len() > KEPT {
            self.log.remove(0);
        }
    }

    /// Task runners that were admitted but whose gate is closed now wait again.
    fn rearm(&mut self, ctx: &Context<Self>) {
        for i in 0..self.admitted.len() {
            let closed = !self
                .coordinator
                .is_allowed(&self.scenario.tasks[i].name)
                .unwrap_or(false);
            if self.admitted[i] && closed {
                self.admitted[i] = false;
                self.arm(ctx, i);
            }
        }
    }

    /// Starts a real wait on task `i`'s start condition.
    fn arm(&self, ctx: &Context<Self>, i: usize) {
        let Ok(wait) = self
            .coordinator
            .start_condition_for_task(&self.scenario.tasks[i].name)
        else {
            return;
        };
        let generation = self.generation;
        ctx.link().send_future(async move {
            let ok = wait.await.is_ok();
            Msg::Admitted {
                generation,
                task: i,
                ok,
            }
        });
    }
}
