//! The root component: a short dispatch of messages into the plain state
//! structs of [`super::state`], and a view that hands their data to
//! [`super::views`]. Effects (waits to arm, ticks, the URL hash, downloads)
//! happen here and nowhere else.

use wasm_bindgen::closure::Closure;
use yew::prelude::*;

mod effects;
#[cfg(feature = "run-mode")]
mod run;

use super::browser;
use super::msg::{BoardMsg, Export, ImportMsg, Mode, Msg};
use super::state::{ImportOutcome, ImportState, Imported, LearnState, RunState, Switchboard};
use super::views::{self, Page, Shown};
use super::worker::ImportWorker;
use crate::tools::ascii;
use crate::tools::scenario::{default_preset, Preset, Scenario};
use crate::Coordinator;

pub struct App {
    board: Switchboard,
    run: RunState,
    import: ImportState,
    mode: Mode,
    /// A message across the top (a bad share link, say).
    notice: Option<String>,
    /// The last ASCII export, shown under the diagram.
    ascii: Option<String>,
    /// `?embed`: the compact view for iframes in docs.
    embed: bool,
    /// The import worker, once the import panel has been used.
    worker: Option<ImportWorker>,
    /// The preset loaded last, if the group was loaded from one.
    preset: Option<&'static str>,
    /// The Learn tour, while a lesson is shown (`#learn/<id>`, `?lesson=<id>`).
    learn: Option<LearnState>,
    /// How much of the page is rendered (see [`Shown`]).
    shown: Shown,
    /// The run build has been asked to take the page over: this one is
    /// quiet from then on (see `handover`).
    #[cfg(not(feature = "run-mode"))]
    handed_over: bool,
    _hash_listener: Option<Closure<dyn FnMut()>>,
}

impl Component for App {
    type Message = Msg;
    type Properties = ();

    fn create(ctx: &Context<Self>) -> Self {
        let (scenario, notice, preset) = match browser::hash().map(|h| Scenario::from_hash(&h)) {
            None => (default_preset().scenario(), None, Some(default_preset().id)),
            Some(Ok(scenario)) => (scenario, None, None),
            Some(Err(err)) => (
                default_preset().scenario(),
                Some(format!("{err}. Showing the default preset instead.")),
                Some(default_preset().id),
            ),
        };
        let link = ctx.link().clone();
        let mut app = App {
            board: Switchboard::default(),
            run: RunState::default(),
            import: ImportState::default(),
            mode: Mode::Manual,
            notice,
            ascii: None,
            embed: browser::is_embed(),
            worker: None,
            preset: None,
            learn: None,
            shown: Shown::Diagram,
            #[cfg(not(feature = "run-mode"))]
            handed_over: false,
            _hash_listener: browser::on_hash_change(move || link.send_message(Msg::HashChanged)),
        };
        match browser::lesson() {
            Some(id) => app.open_lesson(ctx, &id),
            None => {
                app.load(ctx, scenario, "page loaded");
                app.preset = preset;
            }
        }
        #[cfg(feature = "run-mode")]
        if let Some(carried) = super::handover::take_carried() {
            app.import.job_text = carried.job_text;
            app.import.alloc_text = carried.alloc_text;
            app.preset = Preset::find(&carried.preset).map(|p| p.id);
            app.import.notes = std::rc::Rc::new(carried.notes);
            app.import.answered = carried.answered;
        }
        app
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        #[cfg(not(feature = "run-mode"))]
        if self.handed_over && !matches!(msg, Msg::RunBuildFailed) {
            return false;
        }
        match msg {
            Msg::Board(msg) => self.board_update(ctx, msg),
            #[cfg(feature = "run-mode")]
            Msg::Run(msg) => self.run_update(ctx, msg),
            Msg::Import(msg) => return self.import_update(ctx, msg),
            Msg::Export(export) => return self.export(export),
            Msg::SetMode(mode) => {
                self.mode = mode;
                self.start_run_if_shown();
                self.sync_hash();
            }
            Msg::Admitted {
                generation,
                task,
                ok,
            } => match self.board.admitted(generation, task, ok) {
                Some(arms) => self.arm(ctx, arms),
                None => return false,
            },
            Msg::HashChanged => {
                let Some(hash) = browser::hash() else {
                    return false;
                };
                if let Some(id) = hash.strip_prefix("learn/") {
                    self.open_lesson(ctx, id);
                    return true;
                }
                // Leaving the tour shows the playground, even on the same scene.
                let was_learning = self.learn.take().is_some();
                if hash == self.share_hash() {
                    return was_learning;
                }
                match Scenario::from_hash(&hash) {
                    Ok(scenario) => {
                        // A link opens in the mode it was made in.
                        self.mode = Mode::Manual;
                        self.load(ctx, scenario, "share link opened");
                    }
                    Err(err) => self.notice = Some(format!("{err}. Nothing was changed.")),
                }
            }
            Msg::DismissNotice => self.notice = None,
            #[cfg(not(feature = "run-mode"))]
            Msg::RunBuildFailed => self.run_build_failed(),
            Msg::ShowMore => {
                self.shown = self.shown.next();
                if self.shown != Shown::All {
                    show_more_after_paint(ctx);
                }
            }
        }
        true
    }

    fn rendered(&mut self, ctx: &Context<Self>, first_render: bool) {
        if first_render {
            show_more_after_paint(ctx);
        }
        #[cfg(not(feature = "run-mode"))]
        self.hand_over_if_run_shown(ctx);
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let page = Page {
            board: &self.board,
            run: self
                .run
                .sim()
                .filter(|_| self.mode == Mode::Run)
                .map(|_| &self.run),
            import: &self.import,
            leaders: self.run.leaders(),
            mode: self.mode,
            notice: self.notice.as_deref(),
            ascii: self.ascii.as_deref(),
            share: browser::share_url(&self.share_hash()),
            shown: self.shown,
            // Selected while the group is still the preset's (an edit deselects it).
            preset: self.preset.filter(|id| {
                Preset::find(id).is_some_and(|p| p.is_group(&self.board.scenario().tasks))
            }),
        };
        match (&self.learn, self.embed) {
            (Some(learn), embed) => views::learn(&page, learn, embed, ctx.link()),
            (None, true) => views::embed(&page, ctx.link()),
            (None, false) => views::full(&page, ctx.link()),
        }
    }
}

/// Renders the next panels once the current frame has been painted.
fn show_more_after_paint(ctx: &Context<App>) {
    let link = ctx.link().clone();
    browser::after_next_paint(move || link.send_message(Msg::ShowMore));
}

impl App {
    fn board_update(&mut self, ctx: &Context<Self>, msg: BoardMsg) {
        let board = &mut self.board;
        let result = match msg {
            BoardMsg::SetState(i, state) => board.set_state(i, state),
            BoardMsg::AllPending => board.all_pending(),
            BoardMsg::Restart => Ok(board.restart()),
            BoardMsg::Restore => board.restore(),
            BoardMsg::Reset => return self.reload(ctx, None, |b| b.reset()),
            BoardMsg::Preset(id) => return self.preset(ctx, id),
            BoardMsg::Rename(i, name) => return self.reload(ctx, None, |b| Ok(b.rename(i, name))),
            BoardMsg::SetHook(i, hook) => {
                return self.reload(ctx, None, |b| Ok(b.set_hook(i, hook)))
            }
            BoardMsg::SetSidecar(i, on) => {
                return self.reload(ctx, None, |b| Ok(b.set_sidecar(i, on)))
            }
            BoardMsg::Delete(i) => return self.reload(ctx, None, |b| Ok(b.delete(i))),
            BoardMsg::Add => return self.reload(ctx, None, |b| Ok(b.add())),
            BoardMsg::Travel(n) => board.travel(n),
            BoardMsg::Apply(n) => {
                let reaction = board.reactions(&self.run.leaders()).into_iter().nth(n);
                match reaction.and_then(|r| r.apply) {
                    Some((states, what)) => board.apply(states, &what),
                    None => Ok(Vec::new()),
                }
            }
        };
        self.settle(ctx, result);
    }

    /// Loads a preset; a scene about time opens in run mode.
    fn preset(&mut self, ctx: &Context<Self>, id: &str) {
        let Some(preset) = Preset::find(id) else {
            return;
        };
        let why = format!("preset “{}”", preset.title);
        self.load(ctx, preset.scenario(), &why);
        self.preset = Some(preset.id);
    }

    /// Returns whether the page changed (typing only stores the text).
    fn import_update(&mut self, ctx: &Context<Self>, msg: ImportMsg) -> bool {
        let outcome = match msg {
            ImportMsg::JobText(text) => {
                self.import.job_text = text;
                return false;
            }
            ImportMsg::AllocText(text) => {
                self.import.alloc_text = text;
                return false;
            }
            // Only a failure to start shows.
            ImportMsg::Warm => return self.import_worker(ctx).is_none(),
            ImportMsg::ImportJob => return self.send_import(ctx, |i| i.job_request()),
            ImportMsg::ApplyAlloc => return self.send_import(ctx, |i| i.allocation_request()),
            ImportMsg::PickGroup(i) => self.import.pick_group(i).map(ImportOutcome::Load),
            ImportMsg::Reply(reply) => self.import.on_reply(reply),
            ImportMsg::WorkerLost(why) => {
                self.worker = None; // terminated; the next request starts another
                return self.import.worker_lost(why);
            }
        };
        match outcome {
            Some(ImportOutcome::Load(Imported { scenario, why })) => self.load(ctx, scenario, &why),
            Some(ImportOutcome::Allocation(states)) => match self.board.apply_allocation(&states) {
                Ok(arms) => {
                    self.mode = Mode::Manual;
                    self.run.stop();
                    self.settle(ctx, Ok(arms));
                }
                Err(err) => self.import.fail(err),
            },
            None => {}
        }
        true
    }

    /// Returns whether the page changed (only the ASCII export shows itself).
    fn export(&mut self, export: Export) -> bool {
        match export {
            Export::Diagram => browser::download_svg("svg.diagram", "tasklifecycle-diagram.svg"),
            #[cfg(feature = "run-mode")]
            Export::Timeline => browser::download_svg("svg.timeline", "tasklifecycle-timeline.svg"),
            Export::Ascii => {
                let art = ascii::render(self.shown_coordinator());
                browser::download("tasklifecycle-diagram.txt", "text/plain", &art);
                self.ascii = Some(art);
                return true;
            }
        }
        false
    }

    /// The coordinator the page shows: the simulation's in run mode.
    fn shown_coordinator(&self) -> &Coordinator {
        match (self.run.sim(), self.mode) {
            (Some(sim), Mode::Run) => sim.coordinator(),
            _ => self.board.coordinator(),
        }
    }
}
