//! The timeline under the diagram in run mode: one row per task, coloured
//! segments for pending (restarting stretches included; dotted), running, dead
//! and failed (hatched); short marks where a task was restarted, interrupted
//! (Killing) and killed; vertical marks where the phase changed (labels in two
//! lanes, never overlapping or clipped) and gates moved; time ticks; a legend.

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
.timeline .mark.gate { stroke: #15803d; stroke-width: 1.5; stroke-dasharray: 3 2; }
.timeline .mark.gate.closed { stroke: #64748b; }
.timeline .pattern-ink { fill: #92400e; } .timeline .pattern-line { stroke: #7f1d1d; stroke-width: 2; }
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
/// Room above the rows for two lanes of phase labels.
const TOP: i64 = 40;
/// A phase label's width per character (10 px monospace).
const CHAR_W: i64 = 6;

/// A tick spacing (ms) giving at most eight ticks over `end` ms.
fn tick_step(end: u64) -> u64 {
    const STEPS: [u64; 14] = [
        100, 200, 500, 1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000,
        600_000, 1_800_000,
    ];
    STEPS
        .into_iter()
        .find(|&s| end / s <= 8)
        .unwrap_or(3_600_000.max(end / 8))
}

/// Places phase labels in two lanes so that none overlaps another or runs
/// past the right edge: returns (x, baseline y, anchored at its end) per
/// label. A label goes in the first lane where it fits at its mark; if
/// neither has room, it is nudged right in the lane that frees up first.
fn place_labels(labels: &[(i64, usize)]) -> Vec<(i64, i64, bool)> {
    let mut lane_end = [i64::MIN; 2];
    labels
        .iter()
        .map(|&(x, chars)| {
            let w = chars as i64 * CHAR_W;
            let fits = |lane: usize, start: i64| start > lane_end[lane] + 3;
            let start = x + 2;
            let lane = if fits(0, start) {
                0
            } else if fits(1, start) {
                1
            } else {
                usize::from(lane_end[1] < lane_end[0])
            };
            let start = start.max(lane_end[lane] + 4);
            // Near the right edge, the label ends at the edge instead.
            let (start, at_end) = if start + w > WIDTH - 4 {
                (WIDTH - 4 - w, true)
            } else {
                (start, false)
            };
            lane_end[lane] = start + w;
            let anchor_x = if at_end { start + w } else { start };
            (anchor_x, 12 + 12 * lane as i64, at_end)
        })
        .collect()
}

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
    let rows_end = TOP + ROW * props.tasks.len() as i64;
    let height = rows_end + 56;
    let step = tick_step(end);
    let ticks: Vec<u64> = (0..=end / step).map(|k| k * step).collect();
    let phases: Vec<(u64, crate::Transition)> = props
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            SimEventKind::Phase(t) => Some((e.at_ms, *t)),
            SimEventKind::Task { .. } => None,
        })
        .collect();
    let labels = place_labels(
        &phases
            .iter()
            .map(|(at, t)| (x(*at), t.to.as_str().len()))
            .collect::<Vec<_>>(),
    );

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
            <defs>
                <pattern id="tl-dots" width="6" height="6" patternUnits="userSpaceOnUse">
                    <circle cx="3" cy="3" r="1" class="pattern-ink" />
                </pattern>
                <pattern id="tl-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                    <line x1="0" y1="0" x2="0" y2="6" class="pattern-line" />
                </pattern>
            </defs>
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
                let (sx, sw) = (x(from), (x(to) - x(from)).max(1));
                // Told by pattern as well as colour: pending dotted, failed hatched.
                let pattern = match TaskState::label(state) {
                    "pending" => Some("url(#tl-dots)"),
                    "failed" => Some("url(#tl-hatch)"),
                    _ => None,
                };
                html! {
                    <g>
                    <rect class={classes!("seg", TaskState::label(state))} data-segment-state={TaskState::label(state)}
                        x={sx.to_string()} y={y.to_string()} width={sw.to_string()} height={(ROW - 8).to_string()}>
                        <title>{ format!("{}: {} from {} to {}", props.tasks[i], TaskState::label(state), crate::playground::state::seconds(from), crate::playground::state::seconds(to)) }</title>
                    </rect>
                    if let Some(fill) = pattern {
                        <rect class="seg-pattern" x={sx.to_string()} y={y.to_string()} width={sw.to_string()}
                            height={(ROW - 8).to_string()} fill={fill} />
                    }
                    </g>
                }
            }) }
            { for phases.iter().zip(&labels).map(|((at, t), &(lx, ly, at_end))| html! {
                <g data-phase-mark={t.to.as_str()}>
                    <line class="mark phase" x1={x(*at).to_string()} x2={x(*at).to_string()}
                        y1={(ly + 2).to_string()} y2={rows_end.to_string()} />
                    <text class="phase-label" x={lx.to_string()} y={ly.to_string()}
                        text-anchor={if at_end { "end" } else { "start" }}>{ t.to.as_str() }</text>
                    { for t.opened.iter().map(|s| (s, true)).chain(t.closed.iter().map(|s| (s, false))).map(|(stage, open)| html! {
                        <line class={classes!("mark", "gate", (!open).then_some("closed"))}
                            x1={x(*at).to_string()} x2={x(*at).to_string()}
                            y1={TOP.to_string()} y2={rows_end.to_string()}>
                            <title>{ format!("{} gate {} at {}", stage, if open { "opened" } else { "closed" }, crate::playground::state::seconds(*at)) }</title>
                        </line>
                    }) }
                </g>
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
                y1={TOP.to_string()} y2={rows_end.to_string()} />
            // Time ticks along the bottom.
            { for ticks.iter().map(|&t| html! {
                <g class="tick" data-tick={t.to_string()}>
                    <line class="axis" x1={x(t).to_string()} x2={x(t).to_string()}
                        y1={rows_end.to_string()} y2={(rows_end + 4).to_string()} />
                    <text x={x(t).to_string()} y={(rows_end + 14).to_string()}
                        text-anchor={if t == 0 { "start" } else { "middle" }}>{ crate::playground::state::seconds(t) }</text>
                </g>
            }) }
            { legend(rows_end + 24) }
        </svg>
    }
}

/// What the colours, patterns and marks mean.
fn legend(y: i64) -> Html {
    let swatch = |i: i64, label: &'static str, class: &'static str, fill: Option<&'static str>| {
        let lx = 4 + i * 96;
        html! {
            <g data-legend={label}>
                <rect class={classes!("seg", class)} x={lx.to_string()} y={y.to_string()} width="16" height="10" />
                if let Some(fill) = fill {
                    <rect class="seg-pattern" x={lx.to_string()} y={y.to_string()} width="16" height="10" fill={fill} />
                }
                <text x={(lx + 20).to_string()} y={(y + 9).to_string()}>{ label }</text>
            </g>
        }
    };
    let mark = |i: i64, label: &'static str, class: &'static str| {
        let lx = 4 + i * 96;
        html! {
            <g data-legend={label}>
                <line class={class} x1={(lx + 8).to_string()} x2={(lx + 8).to_string()}
                    y1={(y + 14).to_string()} y2={(y + 26).to_string()} />
                <text x={(lx + 20).to_string()} y={(y + 24).to_string()}>{ label }</text>
            </g>
        }
    };
    html! {
        <g class="legend">
            { swatch(0, "pending", "pending", Some("url(#tl-dots)")) }
            { swatch(1, "running", "running", None) }
            { swatch(2, "exited 0", "dead", None) }
            { swatch(3, "failed", "failed", Some("url(#tl-hatch)")) }
            { mark(0, "restarting", "ev restarting") }
            { mark(1, "killing", "ev killing") }
            { mark(2, "killed", "ev killed") }
            { mark(3, "phase change", "mark phase") }
            { mark(4, "gate opened", "mark gate") }
            { mark(5, "gate closed", "mark gate closed") }
        </g>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_at_most_eight() {
        for end in [1_000, 9_999, 64_000, 600_000, 7 * 24 * 3_600_000] {
            let step = tick_step(end);
            assert!(end / step <= 8, "{end}: step {step}");
        }
        assert_eq!(tick_step(64_000), 10_000);
    }

    #[test]
    fn phase_labels_never_overlap_in_a_lane_nor_run_past_the_edge() {
        // Three labels at the same spot, and one at the right edge.
        let placed = place_labels(&[(200, 8), (201, 4), (203, 9), (WIDTH - 12, 8)]);
        let spans: Vec<(i64, i64, i64)> = placed
            .iter()
            .zip([8, 4, 9, 8])
            .map(|(&(x, lane, at_end), chars)| {
                let w = chars * CHAR_W;
                if at_end {
                    (lane, x - w, x)
                } else {
                    (lane, x, x + w)
                }
            })
            .collect();
        assert_eq!(spans[0].0, 12);
        assert_eq!(spans[1].0, 24, "the second goes to the other lane");
        assert!(
            spans.iter().all(|&(_, a, b)| a >= 0 && b <= WIDTH - 2),
            "{spans:?}"
        );
        assert!(placed[3].2, "the last one ends at its mark");
    }
}
