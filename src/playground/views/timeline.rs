//! The timeline under the diagram in run mode: one row per task, coloured
//! segments for pending (restarting stretches included), running, dead and
//! failed; short marks where a task was restarted, interrupted (Killing) and
//! killed; and vertical marks where the phase changed and gates moved.

use std::rc::Rc;

use yew::prelude::*;

use crate::tools::sim::{SimEvent, SimEventKind, TaskEvent};
use crate::{Status, TaskState};

/// The timeline's own styles, inside the SVG so that an export is styled too.
const STYLE: &str = r#"
.timeline { width: 100%; min-width: 600px; height: auto; display: block; font-family: ui-monospace, monospace; }
.timeline text { font-size: 11px; fill: #0f172a; }
.timeline .axis { stroke: #cbd5e1; }
.timeline .seg.pending { fill: #fde68a; } .timeline .seg.running { fill: #60a5fa; }
.timeline .seg.dead { fill: #cbd5e1; } .timeline .seg.failed { fill: #f87171; }
.timeline .mark.phase { stroke: #2563eb; stroke-width: 1.5; }
.timeline .mark.gate { stroke: #15803d; stroke-dasharray: 2 3; }
.timeline .mark.gate.closed { stroke: #94a3b8; }
.timeline .now { stroke: #0f172a; stroke-width: 1; }
.timeline .phase-label { fill: #2563eb; font-size: 10px; }
.timeline .ev { stroke-width: 2; } .timeline .ev.killing { stroke: #b91c1c; }
.timeline .ev.restarting { stroke: #a16207; } .timeline .ev.killed { stroke: #0f172a; }
@media (prefers-color-scheme: dark) {
  .timeline .bg { fill: #0f172a; } .timeline text { fill: #e2e8f0; } .timeline .axis { stroke: #475569; }
  .timeline .now, .timeline .ev.killed { stroke: #e2e8f0; } .timeline .phase-label { fill: #93c5fd; }
  .timeline .mark.phase { stroke: #93c5fd; } .timeline .ev.killing { stroke: #f87171; }
}
"#;

#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    pub tasks: Rc<Vec<String>>,
    pub events: Rc<Vec<SimEvent>>,
    pub now_ms: u64,
}

// Whole-pixel coordinates and integer tenths of seconds: no float formatting.
const LEFT: i64 = 110;
const WIDTH: i64 = 800;
const ROW: i64 = 22;
const TOP: i64 = 30;

/// `12.3 s` from milliseconds.
#[function_component]
pub fn Timeline(props: &TimelineProps) -> Html {
    let end = props
        .events
        .last()
        .map(|e| e.at_ms)
        .unwrap_or(0)
        .max(props.now_ms)
        .max(1_000);
    let x = |ms: u64| LEFT + ((WIDTH - LEFT - 10) as u64 * ms / end) as i64;
    let height = TOP + ROW * props.tasks.len() as i64 + 20;

    // Segments: each task starts pending at 0; each task event starts a new segment.
    let mut current: Vec<(u64, TaskState)> = vec![(0, TaskState::pending()); props.tasks.len()];
    let mut segments: Vec<(usize, u64, u64, TaskState)> = Vec::new();
    let mut started: Vec<Option<u64>> = vec![None; props.tasks.len()];
    for e in props.events.iter() {
        if let SimEventKind::Task { task, state, .. } = &e.kind {
            if let Some(i) = Some(*task).filter(|&i| i < props.tasks.len()) {
                let (since, old) = current[i];
                if e.at_ms > since {
                    segments.push((i, since, e.at_ms, old));
                }
                current[i] = (e.at_ms, *state);
                if state.state == Status::Running && started[i].is_none() {
                    started[i] = Some(e.at_ms);
                }
            }
        }
    }
    for (i, &(since, state)) in current.iter().enumerate() {
        if props.now_ms > since {
            segments.push((i, since, props.now_ms, state));
        }
    }

    html! {
        <svg class="timeline" xmlns="http://www.w3.org/2000/svg" viewBox={format!("0 0 {WIDTH} {height}")}
            role="img" aria-label={format!("Timeline of the simulated alloc, {}", crate::playground::state::seconds(props.now_ms))}>
            <style>{ STYLE }</style>
            // Its own background, so an exported SVG reads on a dark page too.
            <rect class="bg" x="0" y="0" width={WIDTH.to_string()} height={height.to_string()} fill="#ffffff" />
            { for props.tasks.iter().enumerate().map(|(i, name)| {
                let y = TOP + ROW * i as i64;
                html! {
                    <g data-timeline-task={name.clone()}
                        data-started-at={started[i].map(|t| t.to_string()).unwrap_or_default()}>
                        <text x="4" y={(y + 15).to_string()}>{ name.chars().take(14).collect::<String>() }</text>
                        <line class="axis" x1={LEFT.to_string()} x2={(WIDTH - 10).to_string()}
                            y1={(y + ROW - 2).to_string()} y2={(y + ROW - 2).to_string()} />
                    </g>
                }
            }) }
            { for segments.iter().map(|&(i, from, to, state)| {
                let y = TOP + ROW * i as i64 + 3;
                html! {
                    <rect class={classes!("seg", TaskState::label(state))} data-segment-state={TaskState::label(state)}
                        x={x(from).to_string()} y={y.to_string()}
                        width={(x(to) - x(from)).max(1).to_string()} height={(ROW - 8).to_string()}>
                        <title>{ format!("{}: {} from {} to {}", props.tasks[i], TaskState::label(state), crate::playground::state::seconds(from), crate::playground::state::seconds(to)) }</title>
                    </rect>
                }
            }) }
            { for props.events.iter().filter_map(|e| match &e.kind {
                SimEventKind::Phase(t) => Some(html! {
                    <g data-phase-mark={t.to.as_str()}>
                        <line class="mark phase" x1={x(e.at_ms).to_string()} x2={x(e.at_ms).to_string()}
                            y1="14" y2={(height - 16).to_string()} />
                        <text class="phase-label" x={(x(e.at_ms) + 2).to_string()} y="12">{ t.to.as_str() }</text>
                        { for t.opened.iter().map(|s| (s, true)).chain(t.closed.iter().map(|s| (s, false))).map(|(stage, open)| html! {
                            <line class={classes!("mark", "gate", (!open).then_some("closed"))}
                                x1={x(e.at_ms).to_string()} x2={x(e.at_ms).to_string()}
                                y1={TOP.to_string()} y2={(height - 16).to_string()}>
                                <title>{ format!("{} gate {} at {}", stage, if open { "opened" } else { "closed" }, crate::playground::state::seconds(e.at_ms)) }</title>
                            </line>
                        }) }
                    </g>
                }),
                SimEventKind::Task { .. } => None,
            }) }
            { for props.events.iter().filter_map(|e| match &e.kind {
                SimEventKind::Task { task, event: Some(ev), .. } if *task < props.tasks.len() => {
                    let class = match ev {
                        TaskEvent::Killing { .. } => "killing",
                        TaskEvent::Killed => "killed",
                        TaskEvent::Restarting { .. } => "restarting",
                        _ => return None,
                    };
                    let y = TOP + ROW * *task as i64;
                    Some(html! {
                        <line class={classes!("ev", class)} data-event-mark={class}
                            x1={x(e.at_ms).to_string()} x2={x(e.at_ms).to_string()}
                            y1={(y + 1).to_string()} y2={(y + ROW - 3).to_string()}>
                            <title>{ format!("{}: {} at {} — {}", props.tasks[*task], ev.type_name(),
                                crate::playground::state::seconds(e.at_ms), ev.message(&props.tasks)) }</title>
                        </line>
                    })
                }
                _ => None,
            }) }
            <line class="now" x1={x(props.now_ms).to_string()} x2={x(props.now_ms).to_string()}
                y1={TOP.to_string()} y2={(height - 16).to_string()} />
            <text x={LEFT.to_string()} y={(height - 4).to_string()}>{ "0 s" }</text>
            <text x={(WIDTH - 10).to_string()} y={(height - 4).to_string()} text-anchor="end">
                { crate::playground::state::seconds(end) }
            </text>
        </svg>
    }
}
