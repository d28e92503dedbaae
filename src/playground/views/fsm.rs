//! The coordinator's state machine as a graph: the six phases as nodes, an
//! arrow out of each labelled with its rule's conditions (read from the rule
//! table in `phase.rs`, never re-derived), and the any-phase → poststop
//! shortcut. The current phase and the arrows it may leave by are
//! highlighted, each condition with the tasks that meet it or not (from
//! `next_transitions`), and a rule that is met says it fires on the next report.

use std::rc::Rc;

use yew::prelude::*;

use crate::phase::{Rule, ALLOC_DONE};
use crate::{Phase, RuleCheck};

#[derive(PartialEq)]
pub struct FsmProps {
    pub phase: Phase,
    pub checks: Rc<Vec<RuleCheck>>,
}

/// A plain view function, not a component: it re-renders with the page anyway,
/// and every component type costs wasm size.
pub fn fsm_view(props: &FsmProps) -> Html {
    html! {
        <div class="fsm">
            <ol class="fsm-graph" aria-label="Phases, and the rule that leaves each">
                { for Phase::ALL.iter().map(|&p| {
                    let current = p == props.phase;
                    html! {
                        <>
                        <li class={classes!("phase", current.then_some("current"))}
                            data-phase-step={p.as_str()}
                            aria-current={current.then_some("step")}>
                            <span class="phase-name">{ p.as_str() }</span>
                            <span class="gates">{ gate_list(p) }</span>
                        </li>
                        if let Some(rule) = p.exit_rule() {
                            { arrow(props, p, rule) }
                        } else if p == Phase::WaitAlloc {
                            <li class="arrow none" aria-label="wait_alloc leaves only by the rule below">
                                <span class="head" aria-hidden="true">{ "⋮" }</span>
                                <span class="label">{ "leaves only when every non-poststop task is dead" }</span>
                            </li>
                        }
                        </>
                    }
                }) }
            </ol>
            { arrow(props, props.phase, &ALLOC_DONE) }
            if props.phase == Phase::Poststop {
                <p class="terminal">{ "poststop is terminal: only a restart leaves it." }</p>
            }
        </div>
    }
}

/// The arrow of `rule` out of `from` (for the shortcut, `from` is the
/// current phase): its conditions, and when it is the one the coordinator
/// may take next, which tasks meet each.
fn arrow(props: &FsmProps, from: Phase, rule: &'static Rule) -> Html {
    let shortcut = std::ptr::eq(rule, &ALLOC_DONE);
    // The current phase's rules, as `next_transitions` checked them.
    let check = props
        .checks
        .iter()
        .find(|c| from == props.phase && c.to == rule.to && (shortcut || c.to != Phase::Poststop));
    let next = check.is_some();
    let met = check.is_some_and(|c| c.met);
    let from_name = if shortcut { "any phase" } else { from.as_str() };
    let id = format!(
        "{}-{}",
        if shortcut { "any" } else { from.as_str() },
        rule.to.as_str()
    );
    let body = html! {
        <>
        <span class="head" aria-hidden="true">{ if shortcut { "↘" } else { "↓" } }</span>
        <span class="label">
            <span class="visually-hidden">{ format!("{from_name} → {}", rule.to) }</span>
            if shortcut {
                <span class="shortcut-name">{ format!("any phase → {} when ", rule.to) }</span>
            }
            { for rule.requires.iter().enumerate().map(|(k, r)| {
                let req = check.and_then(|c| c.requirements.get(k));
                html! {
                    <span class={classes!("condition", req.map(|q| if q.met { "met" } else { "unmet" }))}
                        data-condition={r.says}>
                        { r.says }
                        if let Some(q) = req {
                            { if q.met { " ✓" } else { " ✗" } }
                            if !q.met {
                                <span class="waiting-on">{ format!(" (not yet: {})", unmet_names(q)) }</span>
                            }
                        }
                    </span>
                }
            }) }
            if met {
                <span class="fires-next" data-fires-next="">
                    { "met: the coordinator moves on the next report (it checks its rules only when told of a task state)" }
                </span>
            }
        </span>
        </>
    };
    let class = classes!(
        "arrow",
        shortcut.then_some("shortcut"),
        next.then_some("next"),
        met.then_some("met")
    );
    if shortcut {
        html! { <p class={class} data-arrow={id}>{ body }</p> }
    } else {
        html! { <li class={class} data-arrow={id}>{ body }</li> }
    }
}

fn gate_list(phase: Phase) -> String {
    match phase.open_stages() {
        [] => "no gate open".into(),
        open => open
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(" · "),
    }
}

/// The tasks that do not meet `q` yet: the first few by name.
fn unmet_names(q: &crate::RequirementCheck) -> String {
    const SHOWN: usize = 4;
    let unmet: Vec<&str> = q
        .tasks
        .iter()
        .filter(|t| !t.met)
        .map(|t| t.name.as_str())
        .collect();
    let mut text = unmet
        .iter()
        .take(SHOWN)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    if unmet.len() > SHOWN {
        text.push_str(&format!(" and {} more", unmet.len() - SHOWN));
    }
    text
}
