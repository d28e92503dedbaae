//! The live diagram, after the two in Nomad's package documentation: the
//! alloc runner feeds task states to the coordinator, which opens and closes
//! one gate per stage; each gate is wired to the task runners of its stage.
//!
//! Laid out as lanes, like the ASCII export: the coordinator's Open/Close bus
//! runs down the left, one lane per gate in lifecycle order, and each gate's
//! task runners sit under it, wired by right-angled connectors that stay in
//! their own lane, so no two lines ever cross. The drawing is 300 units wide
//! and shown at most 1.6× that, so it fits a 320 px embed with its text
//! above 11 px, and never needs sideways scrolling.

use std::rc::Rc;

use yew::prelude::*;

use wasm_bindgen::JsCast;

use crate::playground::{RunnerStatus, TaskView};
use crate::{Phase, Stage, TaskState};

#[derive(Properties, PartialEq)]
pub struct DiagramProps {
    pub phase: Phase,
    /// The stages that have tasks, and whether each gate is open.
    pub gates: Rc<Vec<(Stage, bool)>>,
    pub runners: Rc<Vec<TaskView>>,
    /// Switchboard mode: a runner box opens a menu of the states its alloc
    /// runner could report next, and a pick is reported here.
    #[prop_or_default]
    pub on_report: Option<Callback<(usize, TaskState)>>,
}

/// The states a task runner could report next, most likely first: a
/// waiting or admitted task starts (or is killed, or fails to start), a
/// running one exits, fails or restarts, a dead one is restarted.
fn next_states(task: &TaskView) -> &'static [(&'static str, TaskState)] {
    const RUNNING: (&str, TaskState) = ("running", TaskState::running());
    const DEAD: (&str, TaskState) = ("dead", TaskState::dead());
    const FAILED: (&str, TaskState) = ("failed", TaskState::failed());
    const PENDING: (&str, TaskState) = ("pending", TaskState::pending());
    match task.status() {
        RunnerStatus::Waiting | RunnerStatus::Admitted => &[RUNNING, DEAD, FAILED],
        RunnerStatus::Running => &[DEAD, FAILED, PENDING],
        RunnerStatus::Exited | RunnerStatus::Failed => &[PENDING, RUNNING],
    }
}

/// Focuses the first element `selector` finds on the page.
fn focus(selector: &str) {
    let found = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(selector).ok().flatten());
    if let Some(el) = found {
        if let Some(el) = el.dyn_ref::<web_sys::HtmlElement>() {
            let _ = el.focus();
        } else if let Some(el) = el.dyn_ref::<web_sys::SvgElement>() {
            let _ = el.focus();
        }
    }
}

/// The diagram's own styles, inside the SVG so that an export is styled too.
/// Lines are ≥ 3:1 against their background in both themes; open and closed
/// differ in line style and in a word, not only in colour.
pub const STYLE: &str = r#"
.diagram { width: 100%; max-width: 480px; height: auto; display: block; margin: 0 auto; }
.diagram text { font-size: 13px; fill: #0f172a; font-family: ui-monospace, monospace; }
.diagram .small { font-size: 12px; } .diagram .muted { fill: #475569; }
.diagram .title { font-weight: 700; letter-spacing: .08em; }
.diagram .phase-name { font-size: 17px; font-weight: 700; fill: #1d4ed8; }
.diagram .box rect, .diagram .gate rect, .diagram .runner-box rect { fill: #fff; stroke: #0f172a; stroke-width: 1.5; }
.diagram .feed, .diagram .control { fill: none; stroke: #0f172a; stroke-width: 1.5; }
.diagram .arrowhead { fill: #0f172a; }
.diagram .wire { fill: none; stroke-width: 2; transition: stroke .35s ease, stroke-dasharray .35s ease; }
.diagram .wire.open { stroke: #15803d; stroke-dasharray: none; }
.diagram .wire.closed { stroke: #64748b; stroke-dasharray: 6 5; }
.diagram .gate rect { transition: fill .35s ease, stroke .35s ease; }
.diagram .gate.open rect { fill: #dcfce7; stroke: #15803d; }
.diagram .gate.closed rect { stroke-dasharray: 5 4; stroke: #475569; }
.diagram .gate-state { font-weight: 700; } .diagram .open .gate-state { fill: #15803d; } .diagram .closed .gate-state { fill: #475569; }
.diagram .runner-box rect.running { fill: #eff6ff; }
.diagram .runner-box rect.dead { fill: #f1f5f9; }
.diagram .runner-box.waiting rect { stroke-dasharray: 5 4; }
.diagram .runner-box[role=button] { cursor: pointer; outline: none; }
.diagram .runner-box[role=button]:focus-visible rect, .diagram .runner-box[aria-expanded=true] rect { stroke: #1d4ed8; stroke-width: 3; }
@media (prefers-reduced-motion: reduce) { .diagram .wire, .diagram .gate rect { transition: none; } }
@media (prefers-color-scheme: dark) {
  .diagram .bg { fill: #0f172a; }
  .diagram text { fill: #e2e8f0; } .diagram .muted { fill: #cbd5e1; } .diagram .phase-name { fill: #93c5fd; }
  .diagram .box rect, .diagram .gate rect, .diagram .runner-box rect { fill: #1e293b; stroke: #cbd5e1; }
  .diagram .feed, .diagram .control { stroke: #cbd5e1; } .diagram .arrowhead { fill: #cbd5e1; }
  .diagram .wire.open { stroke: #4ade80; } .diagram .wire.closed { stroke: #94a3b8; }
  .diagram .gate.open rect { fill: #14532d; stroke: #4ade80; } .diagram .gate.closed rect { stroke: #94a3b8; }
  .diagram .open .gate-state { fill: #4ade80; } .diagram .closed .gate-state { fill: #cbd5e1; }
  .diagram .runner-box rect.running { fill: #1e3a8a; } .diagram .runner-box rect.dead { fill: #334155; }
}
"#;

// Whole-pixel coordinates: no float ever gets formatted (that code is big in wasm).
const WIDTH: i32 = 300;
/// The coordinator box.
const COORD: (i32, i32, i32, i32) = (8, 74, 284, 70);
/// The Open/Close bus, down the left edge.
const BUS_X: i32 = 20;
const GATE_X: i32 = 36;
const GATE_W: i32 = 60;
const GATE_H: i32 = 28;
/// Each lane's trunk, down from the middle of its gate.
const TRUNK_X: i32 = GATE_X + GATE_W / 2;
const RUNNER_X: i32 = 112;
const RUNNER_W: i32 = 180;
const RUNNER_H: i32 = 52;
const GAP: i32 = 10;
/// The first lane's top.
const LANES_Y: i32 = COORD.1 + COORD.3 + 34;

/// A stage as a gate's label names it.
fn stage_label(stage: Stage) -> &'static str {
    match stage {
        Stage::PrestartEphemeral => "prestart",
        Stage::PrestartSidecar => "prestart sidecar",
        Stage::Main => "main",
        Stage::PoststartEphemeral => "poststart",
        Stage::PoststartSidecar => "poststart sidecar",
        Stage::Poststop => "poststop",
    }
}

fn line_class(open: bool) -> &'static str {
    if open {
        "wire open"
    } else {
        "wire closed"
    }
}

/// Where one lane sits: its gate's top, and each of its runners' tops.
struct Lane {
    stage: Stage,
    open: bool,
    gate_y: i32,
    runners: Vec<(usize, i32)>,
}

/// Lanes in lifecycle order, each as tall as its gate and runners; returns
/// them and the drawing's height.
fn lay_out(gates: &[(Stage, bool)], runners: &[TaskView]) -> (Vec<Lane>, i32) {
    let mut y = LANES_Y;
    let mut lanes = Vec::with_capacity(gates.len());
    for &(stage, open) in gates {
        let gate_y = y;
        y += GATE_H + GAP;
        let mut mine = Vec::new();
        for (i, task) in runners.iter().enumerate() {
            if task.spec.stage() == stage {
                mine.push((i, y));
                y += RUNNER_H + GAP;
            }
        }
        y += GAP;
        lanes.push(Lane {
            stage,
            open,
            gate_y,
            runners: mine,
        });
    }
    (lanes, y)
}

#[function_component]
pub fn Diagram(props: &DiagramProps) -> Html {
    let (cx, cy, cw, ch) = COORD;
    let (lanes, height) = lay_out(&props.gates, &props.runners);
    let bus_end = lanes.last().map_or(cy + ch, |l| l.gate_y + GATE_H / 2);

    // The runner whose menu is open.
    let menu = use_state(|| None::<usize>);
    {
        // An opened menu takes the focus (its first item).
        let open = *menu;
        use_effect_with(open, move |open| {
            if open.is_some() {
                focus("[data-runner-menu] [role=menuitem]");
            }
        });
    }
    let operable = props.on_report.is_some();
    let open_menu = {
        let menu = menu.clone();
        Callback::from(move |i: usize| menu.set(Some(i)))
    };
    // The open menu sits just under its runner box (in % of the drawing's height).
    let menu_top = menu.and_then(|i| {
        lanes
            .iter()
            .flat_map(|l| &l.runners)
            .find(|(t, _)| *t == i)
            .map(|(_, y)| (y + RUNNER_H) * 100 / height)
    });
    html! {
        <div class="diagram-wrap">
        <svg class="diagram" xmlns="http://www.w3.org/2000/svg" viewBox={format!("0 0 {WIDTH} {height}")}
            role={if operable { "group" } else { "img" }}
            aria-label={format!("Diagram: the coordinator is in {}; {} of {} gates open",
                props.phase, props.gates.iter().filter(|(_, o)| *o).count(), props.gates.len())}>
            <style>{ STYLE }</style>
            // Its own background, so an exported SVG reads on a dark page too.
            <rect class="bg" x="0" y="0" width={WIDTH.to_string()} height={height.to_string()} fill="#ffffff" />
            <defs>
                <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                    <path d="M 0 0 L 10 5 L 0 10 z" class="arrowhead" />
                </marker>
            </defs>
            // Alloc runner → coordinator.
            <g class="box alloc-runner">
                <rect x="8" y="8" width="130" height="38" rx="4" />
                <text x="73" y="32" text-anchor="middle" class="title">{ "ALLOC RUNNER" }</text>
            </g>
            <line x1="73" y1="46" x2="73" y2={(cy - 1).to_string()} class="feed" data-connector="feed" marker-end="url(#arrow)" />
            <text x="82" y="64" class="small muted">{ "task states" }</text>
            <g class="box coordinator" data-phase={props.phase.as_str()}>
                <rect x={cx.to_string()} y={cy.to_string()} width={cw.to_string()} height={ch.to_string()} rx="4" />
                <text x={(cx + 10).to_string()} y={(cy + 20).to_string()} class="small muted">{ "Current state:" }</text>
                <text x={(cx + 10).to_string()} y={(cy + 40).to_string()} class="phase-name">{ props.phase.as_str() }</text>
                <text x={(cx + 10).to_string()} y={(cy + 60).to_string()} class="title">{ "COORDINATOR" }</text>
            </g>
            // The coordinator's Open/Close bus: always solid, as in Nomad's
            // drawing; only a gate's line to its runners shows whether it is open.
            if !lanes.is_empty() {
                <path d={format!("M {BUS_X} {} V {bus_end}", cy + ch)} class="control" data-connector="bus" />
                <text x={(BUS_X + 6).to_string()} y={(cy + ch + 18).to_string()} class="small muted">{ "Open/Close" }</text>
            }
            { for lanes.iter().map(|lane| self::lane(lane, &props.runners, operable.then_some(&open_menu), *menu)) }
        </svg>
        if let (Some(i), Some(on_report)) = (*menu, &props.on_report) {
            if let Some(task) = props.runners.get(i) {
                { runner_menu(task, on_report, &menu, menu_top.unwrap_or(100)) }
            }
        }
        </div>
    }
}

/// The menu a runner box opens: the states its alloc runner could report
/// next. Arrow keys move, Enter picks, Escape closes; the focus goes back
/// to the runner box.
fn runner_menu(
    task: &TaskView,
    on_report: &Callback<(usize, TaskState)>,
    menu: &UseStateHandle<Option<usize>>,
    top_percent: i32,
) -> Html {
    let i = task.index;
    let name = task.spec.name.clone();
    let waiting = task.status() == RunnerStatus::Waiting;
    let back = format!(
        "[data-task=\"{}\"]",
        name.replace('\\', "\\\\").replace('"', "\\\"")
    );
    let close = {
        let (menu, back) = (menu.clone(), back.clone());
        move || {
            menu.set(None);
            focus(&back);
        }
    };
    let onkeydown = {
        let close = close.clone();
        Callback::from(move |e: KeyboardEvent| {
            let step: i32 = match e.key().as_str() {
                "ArrowDown" => 1,
                "ArrowUp" => -1,
                "Escape" => {
                    e.prevent_default();
                    return close();
                }
                _ => return,
            };
            e.prevent_default();
            // Move the focus among the menu's items, wrapping around.
            let Some(item) = e.target_dyn_into::<web_sys::Element>() else {
                return;
            };
            let next = if step > 0 {
                item.next_element_sibling()
            } else {
                item.previous_element_sibling()
            };
            let wrap = item.parent_element().and_then(|m| {
                if step > 0 {
                    m.first_element_child()
                } else {
                    m.last_element_child()
                }
            });
            if let Some(Ok(el)) = next.or(wrap).map(|n| n.dyn_into::<web_sys::HtmlElement>()) {
                let _ = el.focus();
            }
        })
    };
    html! {
        <div class="runner-menu" role="menu" aria-label={format!("Report {name} as")}
            style={format!("top: {top_percent}%")}
            data-runner-menu={name.clone()} {onkeydown}>
            { for next_states(task).iter().map(|&(label, state)| {
                let on_report = on_report.clone();
                let close = close.clone();
                html! {
                    <button type="button" role="menuitem" tabindex="-1" data-report={label}
                        onclick={move |_| { on_report.emit((i, state)); close(); }}>
                        { format!("{name} → {label}") }
                        if waiting && label == "running" {
                            <span class="menu-note">{ " (Nomad would not: its gate is closed)" }</span>
                        }
                    </button>
                }
            }) }
            <button type="button" role="menuitem" tabindex="-1" data-report="cancel"
                onclick={move |_| close()}>{ "cancel" }</button>
        </div>
    }
}

/// One gate, its Open/Close arrow from the bus, and its task runners wired
/// to it by a trunk down its lane.
fn lane(
    lane: &Lane,
    runners: &[TaskView],
    open_menu: Option<&Callback<usize>>,
    menu: Option<usize>,
) -> Html {
    let Lane {
        stage,
        open,
        gate_y,
        ..
    } = *lane;
    let mid = gate_y + GATE_H / 2;
    let state = if open { "open" } else { "closed" };
    html! {
        <g class={classes!("lane", state)} data-lane={stage.as_str()}>
            <g class={classes!("gate", state)} data-gate={stage.as_str()} data-open={open.to_string()}>
                <path d={format!("M {BUS_X} {mid} H {}", GATE_X - 1)} class="control" data-connector="control" marker-end="url(#arrow)" />
                <rect x={GATE_X.to_string()} y={gate_y.to_string()} width={GATE_W.to_string()} height={GATE_H.to_string()} rx="3" />
                <text x={TRUNK_X.to_string()} y={(mid + 5).to_string()} text-anchor="middle">{ "GATE" }</text>
                <text x={(GATE_X + GATE_W + 10).to_string()} y={(mid + 4).to_string()} class="small">
                    { stage_label(stage) }{ ": " }<tspan class="gate-state">{ state }</tspan>
                </text>
            </g>
            { for lane.runners.iter().map(|&(i, y)| runner(&runners[i], y, gate_y + GATE_H, stage, open, open_menu, menu == Some(i))) }
        </g>
    }
}

/// A task runner box at `y`, wired from its gate's bottom (`from_y`).
#[allow(clippy::too_many_arguments)] // a drawing's coordinates, spelled out
fn runner(
    task: &TaskView,
    y: i32,
    from_y: i32,
    stage: Stage,
    open: bool,
    open_menu: Option<&Callback<usize>>,
    expanded: bool,
) -> Html {
    let mid = y + RUNNER_H / 2;
    let i = task.index;
    // In the switchboard a runner box is a button that opens its menu.
    let (onclick, onkeydown) = match open_menu {
        Some(cb) => {
            let (click, key) = (cb.clone(), cb.clone());
            (
                Some(Callback::from(move |_: MouseEvent| click.emit(i))),
                Some(Callback::from(move |e: KeyboardEvent| {
                    if matches!(e.key().as_str(), "Enter" | " ") {
                        e.prevent_default();
                        key.emit(i);
                    }
                })),
            )
        }
        None => (None, None),
    };
    let operable = open_menu.is_some();
    html! {
        <g class={classes!("runner-box", task.status().class())}
            data-task={task.spec.name.clone()} data-status={task.status().class()}
            data-waiting={(task.status() == RunnerStatus::Waiting).to_string()}
            data-state={task.state.state.as_str()}
            role={operable.then_some("button")} tabindex={operable.then_some("0")}
            aria-haspopup={operable.then_some("menu")}
            aria-expanded={operable.then(|| expanded.to_string())}
            {onclick} {onkeydown}>
            <path d={format!("M {TRUNK_X} {from_y} V {mid} H {}", RUNNER_X)} class={line_class(open)}
                data-wire={stage.as_str()} data-connector="wire" />
            <rect x={RUNNER_X.to_string()} y={y.to_string()} width={RUNNER_W.to_string()} height={RUNNER_H.to_string()} rx="4"
                class={task.state.state.as_str()} />
            // One text, three lines: its words read (and name the button) in order, spaced.
            <text x={(RUNNER_X + 8).to_string()} y={(y + 15).to_string()}>
                <tspan x={(RUNNER_X + 8).to_string()} y={(y + 15).to_string()} class="small muted">
                    { stage_label(stage) }{ " " }
                </tspan>
                <tspan x={(RUNNER_X + 8).to_string()} y={(y + 32).to_string()} class="task-name">
                    { truncate(&task.spec.name, 20) }{ " " }
                </tspan>
                <tspan x={(RUNNER_X + 8).to_string()} y={(y + 47).to_string()} class="small">
                    { task.status().label() }
                </tspan>
            </text>
        </g>
    }
}

fn truncate(name: &str, max: usize) -> String {
    if name.chars().count() <= max {
        name.to_owned()
    } else {
        let cut: String = name.chars().take(max - 1).collect();
        format!("{cut}…")
    }
}
