//! The root component: holds the scenario and the live coordinator, turns
//! every user action into the call Nomad's alloc runner would make, and keeps
//! one real `start_condition_for_task` wait per task runner.

use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use yew::prelude::*;

use super::browser;
use super::diagram::Diagram;
use super::fsm::{fsm_view, FsmProps};
use super::importer::Importer;
use super::log::{event_log, EventLogProps, LogEntry};
use super::run::RunPanel;
use super::tasks::TaskList;
use super::timeline::Timeline;
use super::toolbar::{toolbar, ToolbarProps};
use crate::tools::import::ImportedJob;
use crate::tools::scenario::{default_preset, Preset, Scenario};
use crate::tools::sim::{Behaviour, Settings, SimEvent, SimEventKind, Simulation};
use crate::{Coordinator, Hook, Lifecycle, Stage, StageSet, TaskSpec, TaskState, Transition};

/// Switchboard (the user reports states) or run (a simulated alloc runner does).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Manual,
    Run,
}

/// Real time between two ticks of a playing simulation.
const TICK_MS: u64 = 100;

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
    SetMode(Mode),
    Play,
    Pause,
    Step,
    ToEnd,
    SimReset,
    SetSpeed(f64),
    SetSeed(u64),
    SetBehaviour(usize, Behaviour),
    /// A playing simulation's clock tick (tagged so stale ticks are ignored).
    Tick(u64),
    JobText(String),
    ImportJob,
    PickGroup(usize),
    AllocText(String),
    ApplyAlloc,
    ExportDiagram,
    ExportTimeline,
    ExportAscii,
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
    /// `?embed`: the compact view for iframes in docs.
    embed: bool,
    mode: Mode,
    /// Per task, how it behaves in run mode.
    behaviours: Vec<Behaviour>,
    sim: Option<Simulation>,
    seed: u64,
    speed: f64,
    playing: bool,
    play_generation: u64,
    job_text: String,
    alloc_text: String,
    import_error: Option<String>,
    import_notes: Rc<Vec<String>>,
    /// A job whose task group the user is choosing.
    pending_job: Option<ImportedJob>,
    /// The last ASCII export, shown under the diagram.
    ascii: Option<String>,
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
            embed: browser::is_embed(),
            mode: Mode::Manual,
            behaviours: Vec::new(),
            sim: None,
            seed: 1,
            speed: 1.0,
            playing: false,
            play_generation: 0,
            job_text: String::new(),
            alloc_text: String::new(),
            import_error: None,
            import_notes: Rc::new(Vec::new()),
            pending_job: None,
            ascii: None,
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
                self.report(ctx, format!("{name} → {}", state), false);
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
                    s.tasks.push(TaskSpec::main(name));
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
            Msg::SetMode(mode) => {
                self.mode = mode;
                self.playing = false;
                self.sim = None;
                if mode == Mode::Run {
                    self.new_simulation();
                }
            }
            Msg::Play => {
                if self.sim.as_ref().is_some_and(|s| !s.is_finished()) {
                    self.playing = true;
                    self.play_generation += 1;
                    self.schedule_tick(ctx);
                }
            }
            Msg::Pause => self.playing = false,
            Msg::Step => {
                self.playing = false;
                if let Some(sim) = &mut self.sim {
                    sim.step();
                }
            }
            Msg::ToEnd => {
                self.playing = false;
                if let Some(sim) = &mut self.sim {
                    sim.run();
                }
            }
            Msg::SimReset => {
                self.playing = false;
                self.new_simulation();
            }
            Msg::SetSpeed(speed) => self.speed = speed,
            Msg::SetSeed(seed) => {
                self.seed = seed;
                self.playing = false;
                self.new_simulation();
            }
            Msg::SetBehaviour(i, behaviour) => {
                if let Some(slot) = self.behaviours.get_mut(i) {
                    *slot = behaviour;
                    self.playing = false;
                    self.new_simulation();
                }
            }
            Msg::Tick(generation) => {
                if !self.playing || generation != self.play_generation {
                    return false;
                }
                let speed = self.speed;
                if let Some(sim) = &mut self.sim {
                    let next = sim.now_ms() + (TICK_MS as f64 * speed) as u64;
                    sim.run_until(next);
                    if sim.is_finished() {
                        self.playing = false;
                    }
                }
                if self.playing {
                    self.schedule_tick(ctx);
                }
            }
            Msg::JobText(text) => {
                self.job_text = text;
                return false;
            }
            Msg::ImportJob => self.import_job(ctx),
            Msg::PickGroup(i) => {
                if let Some(job) = self.pending_job.take() {
                    self.use_group(ctx, &job, i);
                }
            }
            Msg::AllocText(text) => {
                self.alloc_text = text;
                return false;
            }
            Msg::ApplyAlloc => self.apply_allocation(ctx),
            Msg::ExportDiagram => {
                if let Some(svg) = browser::outer_html("svg.diagram") {
                    browser::download("tasklifecycle-diagram.svg", "image/svg+xml", &svg);
                }
                return false;
            }
            Msg::ExportTimeline => {
                if let Some(svg) = browser::outer_html("svg.timeline") {
                    browser::download("tasklifecycle-timeline.svg", "image/svg+xml", &svg);
                }
                return false;
            }
            Msg::ExportAscii => {
                let art = crate::tools::ascii::render(self.shown_coordinator());
                browser::download("tasklifecycle-diagram.txt", "text/plain", &art);
                self.ascii = Some(art);
            }
        }
        true
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let running = self.mode == Mode::Run;
        let c = self.shown_coordinator();
        let sim = self.sim.as_ref().filter(|_| running);
        let phase = c.phase();
        let runners: Vec<super::TaskView> = self
            .scenario
            .tasks
            .iter()
            .enumerate()
            .map(|(i, task)| super::TaskView {
                index: i,
                spec: task.clone(),
                state: match sim {
                    Some(sim) => sim.states()[i],
                    None => self.scenario.states[i],
                },
                waiting: match sim {
                    Some(sim) => sim.is_waiting(i),
                    None => !self.admitted.get(i).copied().unwrap_or(false),
                },
                allowed: c.is_allowed(&task.name).unwrap_or(false),
                explain: c.explain(&task.name).unwrap_or_default(),
            })
            .collect();
        let runners = Rc::new(runners);
        let gates: Rc<Vec<(Stage, bool)>> = Rc::new(
            c.stages()
                .iter()
                .map(|s| (s, c.gate(s).is_some_and(|g| g.is_open())))
                .collect(),
        );
        let diagram = html! {
            <div class="diagram-scroll">
                <Diagram phase={phase} gates={gates.clone()} runners={runners.clone()} />
            </div>
        };
        let task_list = html! {
            <TaskList
                runners={runners.clone()}
                edit_error={self.edit_error.clone()}
                locked={running}
                compact={self.embed}
                on_state={link.callback(|(i, s)| Msg::SetState(i, s))}
                on_rename={link.callback(|(i, n)| Msg::Rename(i, n))}
                on_hook={link.callback(|(i, h)| Msg::SetHook(i, h))}
                on_sidecar={link.callback(|(i, s)| Msg::SetSidecar(i, s))}
                on_delete={link.callback(Msg::Delete)}
                on_add={link.callback(|_| Msg::Add)}
            />
        };
        if self.embed {
            return html! {
                <main class="embed" data-embed="">
                    <div class="embed-head">
                        <strong>{ "Nomad task lifecycle" }</strong>
                        <a href={browser::share_url(&self.scenario.to_hash()).replacen("?embed", "?", 1)}
                            target="_blank" rel="noopener">{ "Open in the playground ↗" }</a>
                    </div>
                    { diagram }
                    { task_list }
                </main>
            };
        }
        let log = match sim {
            Some(sim) => Self::sim_log(sim),
            None => self.log.clone(),
        };
        let mode_button = |label: &'static str, mode: Mode| {
            html! {
                <button type="button" data-mode={label} aria-pressed={(self.mode == mode).to_string()}
                    onclick={link.callback(move |_| Msg::SetMode(mode))}>{ label }</button>
            }
        };
        html! {
            <>
            { toolbar(&ToolbarProps {
                phase,
                share: browser::share_url(&self.scenario.to_hash()),
                on_preset: link.callback(Msg::Preset),
                on_restart: link.callback(|_| Msg::Restart),
                on_restore: link.callback(|_| Msg::Restore),
                on_reset: link.callback(|_| Msg::Reset),
                on_all_pending: link.callback(|_| Msg::AllPending),
            }) }
            if let Some(notice) = &self.notice {
                <div class="notice" role="alert">
                    <span>{ notice }</span>
                    <button type="button" onclick={link.callback(|_| Msg::DismissNotice)}
                        aria-label="Dismiss this message">{ "×" }</button>
                </div>
            }
            <main class="layout">
                <section class="panel diagram-panel" aria-labelledby="diagram-title">
                    <div class="panel-head">
                        <h2 id="diagram-title">{ "Gates" }</h2>
                        <div class="modes" role="group" aria-label="Mode">
                            { mode_button("switchboard", Mode::Manual) }
                            { mode_button("run", Mode::Run) }
                        </div>
                        <div class="exports" role="group" aria-label="Export">
                            <button type="button" data-export="svg" onclick={link.callback(|_| Msg::ExportDiagram)}>{ "SVG" }</button>
                            <button type="button" data-export="ascii" onclick={link.callback(|_| Msg::ExportAscii)}>{ "ASCII" }</button>
                        </div>
                    </div>
                    { diagram }
                    if let Some(sim) = sim {
                        <RunPanel
                            now_ms={sim.now_ms()}
                            playing={self.playing}
                            finished={sim.is_finished()}
                            speed={self.speed}
                            seed={self.seed}
                            tasks={Rc::new(self.scenario.tasks.iter().map(|t| t.name.clone()).zip(self.behaviours.iter().copied()).collect::<Vec<_>>())}
                            on_play={link.callback(|_| Msg::Play)}
                            on_pause={link.callback(|_| Msg::Pause)}
                            on_step={link.callback(|_| Msg::Step)}
                            on_end={link.callback(|_| Msg::ToEnd)}
                            on_reset={link.callback(|_| Msg::SimReset)}
                            on_speed={link.callback(Msg::SetSpeed)}
                            on_seed={link.callback(Msg::SetSeed)}
                            on_behaviour={link.callback(|(i, b)| Msg::SetBehaviour(i, b))}
                        />
                        <div class="timeline-head">
                            <h3>{ "Timeline" }</h3>
                            <button type="button" data-export="timeline" onclick={link.callback(|_| Msg::ExportTimeline)}>{ "Timeline SVG" }</button>
                        </div>
                        <div class="diagram-scroll">
                            <Timeline
                                tasks={Rc::new(self.scenario.tasks.iter().map(|t| t.name.clone()).collect::<Vec<_>>())}
                                events={Rc::new(sim.events().to_vec())}
                                now_ms={sim.now_ms()}
                            />
                        </div>
                    }
                    if let Some(art) = &self.ascii {
                        <pre class="ascii" data-ascii="">{ art }</pre>
                    }
                </section>
                <section class="panel fsm-panel" aria-labelledby="fsm-title">
                    <h2 id="fsm-title">{ "Coordinator" }</h2>
                    { fsm_view(&FsmProps { phase, checks: Rc::new(c.next_transitions()) }) }
                </section>
                <section class="panel tasks-panel" aria-labelledby="tasks-title">
                    <h2 id="tasks-title">{ "Tasks" }</h2>
                    { task_list }
                </section>
                <section class="panel log-panel" aria-labelledby="log-title">
                    <h2 id="log-title">{ "Event log" }</h2>
                    { event_log(&EventLogProps { entries: Rc::new(log) }) }
                </section>
                <section class="panel import-panel" aria-labelledby="import-title">
                    <h2 id="import-title">{ "Import from Nomad" }</h2>
                    <Importer
                        job_text={self.job_text.clone()}
                        alloc_text={self.alloc_text.clone()}
                        error={self.import_error.clone()}
                        notes={self.import_notes.clone()}
                        groups={self.pending_job.as_ref().map(|j| Rc::new(j.groups.iter().map(|g| format!("{} ({} tasks)", g.name, g.tasks.len())).collect::<Vec<_>>()))}
                        on_job_text={link.callback(Msg::JobText)}
                        on_import={link.callback(|_| Msg::ImportJob)}
                        on_group={link.callback(Msg::PickGroup)}
                        on_alloc_text={link.callback(Msg::AllocText)}
                        on_apply_alloc={link.callback(|_| Msg::ApplyAlloc)}
                    />
                </section>
            </main>
            </>
        }
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
        self.behaviours = self
            .scenario
            .tasks
            .iter()
            .map(|t| Behaviour::typical(t.stage()))
            .collect();
        self.ascii = None;
        self.playing = false;
        if self.mode == Mode::Run {
            self.new_simulation();
        }
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

    /// The coordinator the page shows: the simulation's in run mode.
    fn shown_coordinator(&self) -> &Coordinator {
        match (&self.sim, self.mode) {
            (Some(sim), Mode::Run) => sim.coordinator(),
            _ => &self.coordinator,
        }
    }

    fn new_simulation(&mut self) {
        let settings = Settings {
            seed: self.seed,
            ..Settings::default()
        };
        match Simulation::new(
            self.scenario.tasks.clone(),
            self.behaviours.clone(),
            settings,
        ) {
            Ok(sim) => self.sim = Some(sim),
            Err(err) => self.notice = Some(err.to_string()),
        }
    }

    fn schedule_tick(&self, ctx: &Context<Self>) {
        let generation = self.play_generation;
        ctx.link().send_future(async move {
            yew::platform::time::sleep(std::time::Duration::from_millis(TICK_MS)).await;
            Msg::Tick(generation)
        });
    }

    fn import_job(&mut self, ctx: &Context<Self>) {
        match crate::tools::import::jobspec(&self.job_text) {
            Err(err) => {
                self.import_error = Some(format!("{err}. Nothing was changed."));
                self.pending_job = None;
            }
            Ok(job) => {
                self.import_error = None;
                self.import_notes = Rc::new(job.notes.clone());
                if job.groups.len() == 1 {
                    self.use_group(ctx, &job, 0);
                } else {
                    self.pending_job = Some(job);
                }
            }
        }
    }

    fn use_group(&mut self, ctx: &Context<Self>, job: &ImportedJob, i: usize) {
        let Some(group) = job.groups.get(i) else {
            return;
        };
        let tasks: Vec<TaskSpec> = group.tasks.iter().map(|t| t.spec.clone()).collect();
        if let Err(err) = Coordinator::new(tasks.clone()) {
            self.import_error = Some(format!(
                "group `{}`: {err}. Nothing was changed.",
                group.name
            ));
            return;
        }
        let states = vec![TaskState::pending(); tasks.len()];
        self.load(
            ctx,
            Scenario { tasks, states },
            &format!("imported job `{}`, group `{}`", job.name, group.name),
        );
        for (behaviour, task) in self.behaviours.iter_mut().zip(&group.tasks) {
            behaviour.leader = task.leader;
        }
        if self.mode == Mode::Run {
            self.new_simulation();
        }
    }

    fn apply_allocation(&mut self, ctx: &Context<Self>) {
        let alloc = match crate::tools::import::allocation(&self.alloc_text) {
            Ok(alloc) => alloc,
            Err(err) => {
                self.import_error = Some(format!("{err}. Nothing was changed."));
                return;
            }
        };
        let mut states = self.scenario.states.clone();
        for (name, state) in &alloc.states {
            match self.scenario.tasks.iter().position(|t| &t.name == name) {
                Some(i) => states[i] = *state,
                None => {
                    self.import_error = Some(format!(
                        "the allocation has task `{name}`, which this task group does not. Nothing was changed."
                    ));
                    return;
                }
            }
        }
        self.import_error = None;
        self.mode = Mode::Manual;
        self.sim = None;
        self.scenario.states = states;
        self.report(ctx, "allocation applied via restore".into(), true);
    }

    /// The run's phase changes as log entries, with the task events that caused them.
    fn sim_log(sim: &Simulation) -> Vec<LogEntry> {
        let mut entries = Vec::new();
        let mut causes: Vec<String> = Vec::new();
        let events: &[SimEvent] = sim.events();
        for (k, e) in events.iter().enumerate() {
            match &e.kind {
                SimEventKind::Task { task, why, .. } => causes.push(format!("{task} {why}")),
                SimEventKind::Phase { from, to } => {
                    let (mut opened, mut closed) = (StageSet::EMPTY, StageSet::EMPTY);
                    for g in events[k + 1..]
                        .iter()
                        .take_while(|g| matches!(g.kind, SimEventKind::Gate { .. }))
                    {
                        if let SimEventKind::Gate { stage, open } = g.kind {
                            if open {
                                opened.insert(stage)
                            } else {
                                closed.insert(stage)
                            }
                        }
                    }
                    let cause = if causes.is_empty() {
                        "alloc runner starts".to_owned()
                    } else {
                        causes.join(", ")
                    };
                    entries.push(LogEntry {
                        seq: k as u64,
                        cause: format!("t={} {cause}", super::timeline::seconds(e.at_ms)),
                        transition: Some(Transition {
                            from: *from,
                            to: *to,
                            opened,
                            closed,
                        }),
                    });
                    causes.clear();
                }
                SimEventKind::Gate { .. } => {}
            }
        }
        entries
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
