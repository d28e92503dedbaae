//! What the root component does to the world outside its state: arming the
//! task runners' waits, keeping the URL hash in step, rebuilding run mode
//! when the switchboard gets a new coordinator, and (in the first build)
//! handing the page to the run build. (Run mode's ticks: `run.rs`.)

use yew::prelude::*;

use super::App;
use crate::playground::browser;
use crate::playground::msg::{ImportMsg, Mode, Msg};
use crate::playground::state::{Arm, ImportState, LearnState, Switchboard};
use crate::playground::worker::ImportWorker;
use crate::tools::import::ImportRequest;
use crate::tools::scenario::{RunSpec, Scenario};

impl App {
    /// The import worker, started on first use.
    pub(super) fn import_worker(&mut self, ctx: &Context<Self>) -> Option<&ImportWorker> {
        if self.worker.is_none() {
            let link = ctx.link().clone();
            let lost = link.clone();
            let on_reply = move |reply| link.send_message(Msg::Import(ImportMsg::Reply(reply)));
            let on_lost = move |why| lost.send_message(Msg::Import(ImportMsg::WorkerLost(why)));
            match ImportWorker::start(on_reply, on_lost) {
                Ok(worker) => self.worker = Some(worker),
                Err(err) => self.import.fail(err),
            }
        }
        self.worker.as_ref()
    }

    /// Sends the import worker the request `make` builds. Returns whether
    /// the page changed (it shows the request in flight, or why it failed).
    pub(super) fn send_import(
        &mut self,
        ctx: &Context<Self>,
        make: impl FnOnce(&mut ImportState) -> Option<ImportRequest>,
    ) -> bool {
        if self.import_worker(ctx).is_none() {
            return true;
        }
        let Some(request) = make(&mut self.import) else {
            return true; // refused before sending (too large); the error shows
        };
        let sent = self.worker.as_ref().map(|w| w.post(&request));
        if let Some(Err(err)) = sent {
            self.import.in_flight = self.import.in_flight.saturating_sub(1);
            self.import.fail(err);
        }
        true
    }

    /// A switchboard change that may build a new coordinator (a load, an
    /// edit, a reset): when it did, run mode follows, run as `spec` says.
    pub(super) fn reload(
        &mut self,
        ctx: &Context<Self>,
        spec: Option<&RunSpec>,
        change: impl FnOnce(&mut Switchboard) -> Result<Vec<Arm>, String>,
    ) {
        let before = self.board.generation();
        let result = change(&mut self.board);
        if self.board.generation() != before {
            self.run.set_tasks(&self.board.scenario().tasks, spec);
            self.ascii = None;
            self.start_run_if_shown();
        }
        self.settle(ctx, result);
    }

    /// A new scenario; one that says how it runs (a preset about time, an
    /// import, a link made in run mode) opens in run mode.
    pub(super) fn load(&mut self, ctx: &Context<Self>, scenario: Scenario, why: &str) {
        self.preset = None;
        let spec = scenario.run.clone();
        if spec.is_some() {
            self.mode = Mode::Run;
        }
        self.reload(ctx, spec.as_ref(), |board| board.load(scenario, why));
    }

    /// The URL hash for the page as it is: the scenario, and in run mode how
    /// it runs.
    pub(super) fn share_hash(&self) -> String {
        let mut scenario = self.board.shared();
        if self.mode == Mode::Run {
            // Run mode's link is the run, from the states shown.
            scenario = self.board.scenario().clone();
            scenario.run = Some(self.run.spec());
        }
        let hash = scenario.to_hash();
        // A history too long for a link is left out of it: the link then
        // carries the moment shown, as it did before there was a history.
        if hash.len() > crate::limits::MAX_LINK_LEN && !scenario.history.reports.is_empty() {
            scenario = self.board.scenario().clone();
            return scenario.to_hash();
        }
        hash
    }

    /// (In the first build, run mode is shown by the run build, which takes
    /// the page over once it has rendered: see `handover`.)
    pub(super) fn start_run_if_shown(&mut self) {
        self.run.stop();
        #[cfg(feature = "run-mode")]
        if self.mode == Mode::Run {
            if let Err(err) = self.run.restart(&self.board.scenario().tasks) {
                self.notice = Some(err);
            }
        }
    }

    /// Once run mode is shown, hands the page to the run build, which shows
    /// it (see `handover`): with a link that carries the switchboard's
    /// history too, and what no link carries.
    #[cfg(not(feature = "run-mode"))]
    pub(super) fn hand_over_if_run_shown(&mut self, ctx: &Context<Self>) {
        if self.mode != Mode::Run || self.handed_over {
            return;
        }
        self.handed_over = true;
        browser::set_hash(&self.handover_hash());
        let carried = crate::playground::handover::Carried {
            job_text: self.import.job_text.clone(),
            alloc_text: self.import.alloc_text.clone(),
            preset: self.preset.unwrap_or_default().to_owned(),
            notes: self.import.notes.to_vec(),
            answered: self.import.answered,
        };
        let link = ctx.link().clone();
        crate::playground::handover::load_run_build(&carried, move || {
            link.send_message(Msg::RunBuildFailed)
        });
    }

    /// The link the run build opens: the switchboard's, with its history
    /// (switching back to the switchboard there finds it as it was), and how
    /// it runs; without the history if that would be too long for a link.
    #[cfg(not(feature = "run-mode"))]
    fn handover_hash(&self) -> String {
        let mut scenario = self.board.shared();
        scenario.run = Some(self.run.spec());
        let hash = scenario.to_hash();
        match hash.len() > crate::limits::MAX_LINK_LEN {
            true => self.share_hash(),
            false => hash,
        }
    }

    /// The run build could not be loaded: back to the switchboard, saying so.
    #[cfg(not(feature = "run-mode"))]
    pub(super) fn run_build_failed(&mut self) {
        self.handed_over = false;
        self.mode = Mode::Manual;
        self.notice = Some(
            "Run mode could not be loaded (is the page offline?). Showing the switchboard.".into(),
        );
        self.sync_hash();
    }

    /// Arms the waits a switchboard call returned (or shows its error), and
    /// keeps the URL hash in step with the scenario.
    pub(super) fn settle(&mut self, ctx: &Context<Self>, result: Result<Vec<Arm>, String>) {
        match result {
            Ok(arms) => self.arm(ctx, arms),
            Err(err) => self.notice = Some(err),
        }
        if let Some(learn) = &mut self.learn {
            if learn.check(&self.board) {
                browser::store_progress(&learn.to_storage());
            }
        }
        self.sync_hash();
    }

    /// Keeps the URL hash the share link of the page as it is (a lesson's
    /// route stays as it is).
    pub(super) fn sync_hash(&self) {
        if self.learn.is_none() {
            browser::set_hash(&self.share_hash());
        }
    }

    /// Shows lesson `id` (the first if unknown) with its scene, in the switchboard.
    pub(super) fn open_lesson(&mut self, ctx: &Context<Self>, id: &str) {
        let learn = LearnState::new(id, &browser::stored_progress());
        let lesson = learn.current();
        self.learn = Some(learn);
        self.mode = Mode::Manual;
        self.preset = None;
        match Scenario::from_hash(lesson.scene) {
            Ok(scene) => {
                let spec = scene.run.clone();
                let why = format!("lesson “{}”", lesson.title);
                self.reload(ctx, spec.as_ref(), |board| board.load(scene, &why));
            }
            Err(err) => self.notice = Some(err.to_string()),
        }
    }

    /// Awaits each task runner's real wait, reporting back when it resolves.
    pub(super) fn arm(&self, ctx: &Context<Self>, arms: Vec<Arm>) {
        for Arm {
            generation,
            task,
            wait,
        } in arms
        {
            ctx.link().send_future(async move {
                let ok = wait.await.is_ok();
                Msg::Admitted {
                    generation,
                    task,
                    ok,
                }
            });
        }
    }
}
