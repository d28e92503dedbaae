//! What the root component does to the world outside its state: arming the
//! task runners' waits, scheduling ticks, keeping the URL hash in step, and
//! rebuilding run mode when the switchboard gets a new coordinator.

use std::time::Duration;

use yew::prelude::*;

use super::App;
use crate::playground::browser;
use crate::playground::msg::{Mode, Msg, RunMsg};
use crate::playground::state::{Arm, Switchboard, TICK_MS};
use crate::tools::scenario::Scenario;

impl App {
    /// A switchboard change that may build a new coordinator (a load, an
    /// edit, a reset): when it did, run mode follows, with `leaders`.
    pub(super) fn reload(
        &mut self,
        ctx: &Context<Self>,
        leaders: &[bool],
        change: impl FnOnce(&mut Switchboard) -> Result<Vec<Arm>, String>,
    ) {
        let before = self.board.generation();
        let result = change(&mut self.board);
        if self.board.generation() != before {
            self.run.set_tasks(&self.board.scenario().tasks, leaders);
            self.ascii = None;
            self.start_run_if_shown();
        }
        self.settle(ctx, result);
    }

    pub(super) fn load(
        &mut self,
        ctx: &Context<Self>,
        scenario: Scenario,
        why: &str,
        leaders: &[bool],
    ) {
        self.reload(ctx, leaders, |board| board.load(scenario, why));
    }

    pub(super) fn start_run_if_shown(&mut self) {
        self.run.stop();
        if self.mode == Mode::Run {
            if let Err(err) = self.run.restart(&self.board.scenario().tasks) {
                self.notice = Some(err);
            }
        }
    }

    /// Arms the waits a switchboard call returned (or shows its error), and
    /// keeps the URL hash in step with the scenario.
    pub(super) fn settle(&mut self, ctx: &Context<Self>, result: Result<Vec<Arm>, String>) {
        match result {
            Ok(arms) => self.arm(ctx, arms),
            Err(err) => self.notice = Some(err),
        }
        browser::set_hash(&self.board.scenario().to_hash());
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

/// Wakes a playing simulation after one tick of real time.
pub(super) fn schedule_tick(ctx: &Context<App>, generation: Option<u64>) {
    if let Some(generation) = generation {
        ctx.link().send_future(async move {
            yew::platform::time::sleep(Duration::from_millis(TICK_MS)).await;
            Msg::Run(RunMsg::Tick(generation))
        });
    }
}
