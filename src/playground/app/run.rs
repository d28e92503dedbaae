//! Run mode's messages: the run build's part of the root component (see
//! `handover`).

use std::time::Duration;

use yew::prelude::*;

use super::App;
use crate::playground::msg::{Msg, RunMsg};
use crate::playground::state::TICK_MS;

impl App {
    pub(super) fn run_update(&mut self, ctx: &Context<Self>, msg: RunMsg) {
        let tasks = &self.board.scenario().tasks;
        let result = match msg {
            RunMsg::Play => return schedule_tick(ctx, self.run.play()),
            RunMsg::Tick(generation) => return schedule_tick(ctx, self.run.tick(generation)),
            RunMsg::Pause => return self.run.pause(),
            RunMsg::Step => return self.run.step(),
            RunMsg::ToEnd => return self.run.run_to_end(),
            RunMsg::SetSpeed(speed) => return self.run.set_speed(speed),
            RunMsg::Reset => self.run.restart(tasks),
            RunMsg::SetSeed(seed) => self.run.set_seed(seed, tasks),
            RunMsg::SetBehaviour(i, b) => self.run.set_behaviour(i, b, tasks),
            RunMsg::SetJobType(job_type) => self.run.set_job_type(job_type, tasks),
            RunMsg::SetRestart(policy) => self.run.set_restart(policy, tasks),
            RunMsg::Act(action) => self.run.act(action),
            RunMsg::Select(i) => return self.run.select(i),
        };
        if let Err(err) = result {
            self.notice = Some(err);
        }
        // A setting changed: the link carries it.
        self.sync_hash();
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
