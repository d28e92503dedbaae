//! Run mode's controls: play, pause, step, speed, seed, reset, and each
//! task's behaviour (start time, run time or forever, failure, leader: the
//! first run of its script, which repeats).

use std::rc::Rc;

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::html::Scope;
use yew::prelude::*;

use super::timeline::Timeline;
use super::Page;
use crate::playground::app::App;
use crate::playground::msg::{Export, Msg, RunMsg};
use crate::playground::state::seconds;
use crate::tools::sim::{Outside, Simulation, EVENTS_KEPT};

use crate::tools::scenario::{parse_policy_text, parse_runs, policy_text, runs_text};
use crate::tools::sim::restarts::{JobType, RestartMode, RestartPolicy};
use crate::tools::sim::{Behaviour, Exit};

/// The speeds offered (simulated seconds per real second), with their labels.
pub const SPEEDS: [(&str, f64); 5] = [("0.5", 0.5), ("1", 1.0), ("2", 2.0), ("4", 4.0), ("8", 8.0)];

#[derive(Properties, PartialEq)]
pub struct RunProps {
    pub now_ms: u64,
    pub playing: bool,
    pub finished: bool,
    pub speed: f64,
    pub seed: u64,
    pub tasks: Rc<Vec<(String, Behaviour)>>,
    pub job_type: JobType,
    /// The group's restart policy in force (its own, or the job type's default).
    pub restart: RestartPolicy,
    pub on_restart: Callback<RestartPolicy>,
    /// "finished", "stopped at the horizon", or nothing while it goes on.
    pub status: &'static str,
    pub on_job_type: Callback<JobType>,
    pub on_play: Callback<()>,
    pub on_pause: Callback<()>,
    pub on_step: Callback<()>,
    pub on_end: Callback<()>,
    pub on_reset: Callback<()>,
    pub on_speed: Callback<f64>,
    pub on_seed: Callback<u64>,
    pub on_behaviour: Callback<(usize, Behaviour)>,
}

#[function_component]
pub fn RunPanel(props: &RunProps) -> Html {
    let click = |cb: &Callback<()>| {
        let cb = cb.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let on_speed = props.on_speed.clone();
    let speed = Callback::from(move |e: Event| {
        let select: HtmlSelectElement = e.target_unchecked_into();
        if let Some((_, v)) = SPEEDS.iter().find(|(label, _)| *label == select.value()) {
            on_speed.emit(*v);
        }
    });
    let on_job_type = props.on_job_type.clone();
    let job_type = Callback::from(move |e: Event| {
        let select: HtmlSelectElement = e.target_unchecked_into();
        if let Ok(t) = select.value().parse::<JobType>() {
            on_job_type.emit(t);
        }
    });
    let on_seed = props.on_seed.clone();
    let seed = Callback::from(move |e: Event| {
        let input: HtmlInputElement = e.target_unchecked_into();
        if let Ok(v) = input.value().trim().parse() {
            on_seed.emit(v);
        }
    });
    html! {
        <div class="run">
            <div class="run-controls" role="group" aria-label="Simulation">
                if props.playing {
                    <button type="button" data-run="pause" onclick={click(&props.on_pause)}>{ "Pause" }</button>
                } else {
                    <button type="button" data-run="play" aria-disabled={props.finished.to_string()} onclick={click(&props.on_play)}>{ "Play" }</button>
                }
                // aria-disabled, not disabled, once the run is over: a disabled
                // button drops the keyboard's focus to the page. (Each does
                // nothing on a finished run.)
                <button type="button" data-run="step" aria-disabled={props.finished.to_string()} onclick={click(&props.on_step)}
                    title="Advance to the next event">{ "Step" }</button>
                <button type="button" data-run="end" aria-disabled={props.finished.to_string()} onclick={click(&props.on_end)}
                    title="Run to the end at once">{ "To the end" }</button>
                <button type="button" data-run="reset" onclick={click(&props.on_reset)}>{ "Reset" }</button>
                <label>{ "Speed " }
                    <select data-run="speed" onchange={speed}>
                        { for SPEEDS.iter().map(|(label, s)| html! {
                            <option value={*label} selected={*s == props.speed}>{ format!("×{label}") }</option>
                        }) }
                    </select>
                </label>
                <label>{ "Seed " }
                    <input type="number" min="0" data-run="seed" value={props.seed.to_string()} onchange={seed} />
                </label>
                <label>{ "Job type " }
                    <select data-run="job-type" onchange={job_type}>
                        { for JobType::ALL.iter().map(|t| html! {
                            <option value={t.as_str()} selected={*t == props.job_type}>{ t.as_str() }</option>
                        }) }
                    </select>
                </label>
                <span class="clock" data-clock={props.now_ms.to_string()} data-finished={props.finished.to_string()}
                    data-status={props.status}>
                    { format!("t = {}{}", crate::playground::state::seconds(props.now_ms),
                        if props.status.is_empty() { String::new() } else { format!(" · {}", props.status) }) }
                </span>
            </div>
            { group_policy(props) }
            <table class="behaviours">
                <caption>{ "How each task behaves once its gate admits it (changes reset the run). \
                    Later runs: start:run:exit, separated by ; (run - = until killed; exit a code, oom, \
                    start or fatal for a start error); the last run repeats. Own restart policy: \
                    attempts,interval ms,delay ms,fail|delay (empty: the group's)." }</caption>
                <thead><tr>
                    <th scope="col">{ "task" }</th><th scope="col">{ "starts after (ms)" }</th>
                    <th scope="col">{ "runs for (ms)" }</th><th scope="col">{ "forever" }</th>
                    <th scope="col">{ "fails" }</th><th scope="col">{ "leader" }</th>
                    <th scope="col">{ "later runs" }</th><th scope="col">{ "kill timeout (ms)" }</th>
                    <th scope="col">{ "own restart policy" }</th>
                </tr></thead>
                <tbody>
                    { for props.tasks.iter().enumerate().map(|(i, (name, b))| behaviour_row(props, i, name, b)) }
                </tbody>
            </table>
        </div>
    }
}

/// The group's restart policy: attempts per interval, delay, mode.
fn group_policy(props: &RunProps) -> Html {
    let p = props.restart;
    let field = |label: &'static str, value: u64, change: fn(&mut RestartPolicy, u64)| {
        let cb = props.on_restart.clone();
        let onchange = Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Some(v) = number(&input) {
                let mut next = p;
                change(&mut next, v);
                cb.emit(next);
            }
        });
        html! {
            <label>{ label }
                <input type="number" min="0" data-group-policy={label} value={value.to_string()} {onchange} />
            </label>
        }
    };
    let cb = props.on_restart.clone();
    let mode = Callback::from(move |e: Event| {
        let select: HtmlSelectElement = e.target_unchecked_into();
        let mut next = p;
        next.mode = select.value().parse().unwrap_or(RestartMode::Fail);
        cb.emit(next);
    });
    const MS: u64 = 1_000_000;
    html! {
        <fieldset class="group-policy">
            <legend>{ "The group's restart policy (Nomad's default for the job type until you change it)" }</legend>
            { field("attempts ", u64::from(p.attempts), |p, v| p.attempts = u32::try_from(v).unwrap_or(u32::MAX)) }
            { field("interval (ms) ", p.interval / MS, |p, v| p.interval = v.saturating_mul(MS)) }
            { field("delay (ms) ", p.delay / MS, |p, v| p.delay = v.saturating_mul(MS)) }
            <label>{ "mode " }
                <select data-group-policy="mode" onchange={mode}>
                    <option value="fail" selected={p.mode == RestartMode::Fail}>{ "fail" }</option>
                    <option value="delay" selected={p.mode == RestartMode::Delay}>{ "delay" }</option>
                </select>
            </label>
        </fieldset>
    }
}

/// A whole number of milliseconds typed in `input`.
fn number(input: &HtmlInputElement) -> Option<u64> {
    input.value().trim().parse::<u64>().ok()
}

fn behaviour_row(props: &RunProps, i: usize, name: &str, b: &Behaviour) -> Html {
    let run = b.run(0);
    let emit = {
        let cb = props.on_behaviour.clone();
        move |change: fn(&mut Behaviour, &HtmlInputElement)| {
            let cb = cb.clone();
            let b = b.clone();
            Callback::from(move |e: Event| {
                let input: HtmlInputElement = e.target_unchecked_into();
                let mut next = b.clone();
                change(&mut next, &input);
                cb.emit((i, next));
            })
        }
    };
    html! {
        <tr data-behaviour={name.to_owned()}>
            <th scope="row">{ name }</th>
            <td data-label="starts after (ms)"><input type="number" min="0" step="100" aria-label={format!("{name} starts after (ms)")}
                value={run.start_ms.to_string()}
                onchange={emit(|b, input| if let Some(v) = number(input) { b.first_run_mut().start_ms = v })} /></td>
            <td data-label="runs for (ms)"><input type="number" min="0" step="100" aria-label={format!("{name} runs for (ms)")}
                disabled={run.run_ms.is_none()} value={run.run_ms.unwrap_or(0).to_string()}
                onchange={emit(|b, input| if let Some(v) = number(input) { b.first_run_mut().run_ms = Some(v) })} /></td>
            <td data-label="forever"><input type="checkbox" aria-label={format!("{name} runs until killed")} checked={run.run_ms.is_none()}
                onchange={emit(|b, input| b.first_run_mut().run_ms = if input.checked() { None } else { Some(3_000) })} /></td>
            <td data-label="fails"><input type="checkbox" aria-label={format!("{name} fails")} checked={b.fails()}
                onchange={emit(|b, input| b.first_run_mut().exit = Exit::Code { code: i32::from(input.checked()) })} /></td>
            <td data-label="leader"><input type="checkbox" aria-label={format!("{name} is the leader")} checked={b.leader}
                onchange={emit(|b, input| b.leader = input.checked())} /></td>
            <td data-label="later runs"><input type="text" size="16" spellcheck="false" aria-label={format!("{name}: later runs")}
                data-script={name.to_owned()} placeholder="none" value={runs_text(b.runs.get(1..).unwrap_or(&[]))}
                onchange={emit(|b, input| {
                    let text = input.value();
                    let first = b.run(0);
                    if text.trim().is_empty() {
                        b.runs = vec![first];
                    } else if let Ok(later) = parse_runs(&text) {
                        b.runs = std::iter::once(first).chain(later).collect();
                    }
                })} /></td>
            <td data-label="kill timeout (ms)"><input type="number" min="0" step="1000" aria-label={format!("{name}: kill timeout (ms)")}
                value={b.kill_timeout_ms.to_string()}
                onchange={emit(|b, input| if let Some(v) = number(input) { b.kill_timeout_ms = v })} /></td>
            <td data-label="own restart policy"><input type="text" size="14" spellcheck="false" aria-label={format!("{name}: own restart policy")}
                data-policy={name.to_owned()} placeholder="group's" value={b.restart.map(policy_text).unwrap_or_default()}
                onchange={emit(|b, input| {
                    let text = input.value();
                    if text.trim().is_empty() {
                        b.restart = None;
                    } else if let Ok(policy) = parse_policy_text(&text) {
                        b.restart = Some(policy);
                    }
                })} /></td>
        </tr>
    }
}

/// Run mode's controls, timeline, allocation actions and task events, below
/// the diagram.
pub fn section(page: &Page, link: &Scope<App>) -> Html {
    let Some((run, sim)) = page.run.and_then(|run| Some((run, run.sim()?))) else {
        return html! {};
    };
    let tasks = &page.board.scenario().tasks;
    let names: Vec<String> = tasks.iter().map(|t| t.name.clone()).collect();
    let ctl = |msg: fn() -> RunMsg| link.callback(move |()| Msg::Run(msg()));
    html! {
        <>
        <RunPanel
            now_ms={sim.now_ms()}
            playing={run.is_playing()}
            finished={sim.is_finished()}
            speed={run.speed()}
            seed={run.seed()}
            tasks={Rc::new(names.iter().cloned().zip(run.behaviours().iter().cloned()).collect::<Vec<_>>())}
            job_type={run.job_type()}
            restart={run.restart_policy()}
            on_restart={link.callback(|p| Msg::Run(RunMsg::SetRestart(p)))}
            status={run.status()}
            on_job_type={link.callback(|t| Msg::Run(RunMsg::SetJobType(t)))}
            on_play={ctl(|| RunMsg::Play)}
            on_pause={ctl(|| RunMsg::Pause)}
            on_step={ctl(|| RunMsg::Step)}
            on_end={ctl(|| RunMsg::ToEnd)}
            on_reset={ctl(|| RunMsg::Reset)}
            on_speed={link.callback(|s| Msg::Run(RunMsg::SetSpeed(s)))}
            on_seed={link.callback(|s| Msg::Run(RunMsg::SetSeed(s)))}
            on_behaviour={link.callback(|(i, b)| Msg::Run(RunMsg::SetBehaviour(i, b)))}
        />
        { alloc_actions(link) }
        <div class="timeline-head">
            <h3>{ "Timeline" }</h3>
            <button type="button" data-export="timeline"
                onclick={link.callback(|_| Msg::Export(Export::Timeline))}>{ "Timeline SVG" }</button>
        </div>
        // Wider than a phone: it scrolls, and the keyboard can reach it to scroll it.
        <div class="timeline-scroll" tabindex="0" role="region" aria-label="Timeline (scrolls sideways)">
            <Timeline tasks={Rc::new(names.clone())} events={Rc::new(sim.events().to_vec())} now_ms={sim.now_ms()} />
        </div>
        { task_events(sim, &names, run.selected(), link) }
        </>
    }
}

/// What Nomad's client can be asked while the allocation runs, each button
/// saying what it does (no hover needed).
fn alloc_actions(link: &Scope<App>) -> Html {
    let act = |action: Outside| link.callback(move |_: MouseEvent| Msg::Run(RunMsg::Act(action)));
    html! {
        <div class="alloc-actions" role="group" aria-label="Allocation">
            <button type="button" data-run="restart-running" onclick={act(Outside::RestartRunning)}>
                { "Restart running tasks" }</button>
            <button type="button" data-run="restart-all" onclick={act(Outside::RestartAll)}>
                { "Restart all tasks" }</button>
            <button type="button" data-run="stop" onclick={act(Outside::StopAlloc)}>{ "Stop the allocation" }</button>
            <button type="button" data-run="client-restart" onclick={act(Outside::ClientRestart)}>
                { "Restart the client" }</button>
            <p class="hint">
                { "As " }<code>{ "nomad alloc restart" }</code>{ " (running tasks only, outside their restart policy), " }
                <code>{ "-all-tasks" }</code>{ " (back to init; dead lifecycle tasks run again), " }
                <code>{ "nomad alloc stop" }</code>{ " (everything but poststop is killed), and a Nomad client restart (restore)." }
            </p>
        </div>
    }
}

/// Each task's Nomad events, as `nomad alloc status` lists them: pick a task.
fn task_events(
    sim: &Simulation,
    names: &[String],
    selected: Option<usize>,
    link: &Scope<App>,
) -> Html {
    html! {
        <div class="task-events">
            <div class="task-picks" role="group" aria-label="Show a task's events">
                { for names.iter().enumerate().map(|(i, name)| html! {
                    <button type="button" data-events-of={name.clone()} aria-pressed={(selected == Some(i)).to_string()}
                        onclick={link.callback(move |_| Msg::Run(RunMsg::Select(i)))}>{ format!("{name} events") }</button>
                }) }
            </div>
            if let Some(i) = selected.filter(|&i| i < names.len()) {
                <div class="task-actions" role="group" aria-label={format!("Act on {}", names[i])}>
                    <button type="button" data-run="restart-task"
                        onclick={link.callback(move |_| Msg::Run(RunMsg::Act(Outside::RestartTask { task: i })))}>
                        { format!("Restart {} (if running)", names[i]) }</button>
                    <button type="button" data-run="kill-task"
                        onclick={link.callback(move |_| Msg::Run(RunMsg::Act(Outside::KillTask { task: i })))}>
                        { format!("Kill {}", names[i]) }</button>
                </div>
                <table class="events" data-events={names[i].clone()}>
                    <caption>{ format!("Recent events of {} (the last {EVENTS_KEPT}, as Nomad keeps them)", names[i]) }</caption>
                    <thead><tr><th scope="col">{ "time" }</th><th scope="col">{ "type" }</th><th scope="col">{ "description" }</th></tr></thead>
                    <tbody>
                        { for sim.task_events(i).map(|(at, event)| html! {
                            <tr data-event-type={event.type_name()}>
                                <td>{ seconds(*at) }</td><td>{ event.type_name() }</td><td>{ event.message(names) }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            }
        </div>
    }
}
