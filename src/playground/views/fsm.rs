//! The coordinator's state machine: the six phases, the current one, and what
//! the next transition waits for, read from `next_transitions`.

use std::rc::Rc;

use yew::prelude::*;

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
            <ol class="phases">
                { for Phase::ALL.iter().map(|&p| {
                    let current = p == props.phase;
                    html! {
                        <li class={classes!("phase", current.then_some("current"))}
                            data-phase-step={p.as_str()}
                            aria-current={current.then_some("step")}>
                            { p.as_str() }
                            <span class="gates">{ gate_list(p) }</span>
                        </li>
                    }
                }) }
            </ol>
            if props.checks.is_empty() {
                <p class="terminal">{ "poststop is terminal: only a restart leaves it." }</p>
            }
            { for props.checks.iter().map(|rule| html! {
                <div class={classes!("rule", rule.met.then_some("met"))}>
                    <h3>{ format!("→ {} when", rule.to) }</h3>
                    <ul>
                        { for rule.requirements.iter().map(|r| html! {
                            <li class={classes!("requirement", r.met.then_some("met"))}>
                                <span class="says">{ r.says }</span>{ ": " }
                                if r.tasks.is_empty() {
                                    <span class="vacuous">{ "no such task ✓" }</span>
                                }
                                { for r.tasks.iter().map(|t| html! {
                                    <span class={classes!("check", if t.met { "yes" } else { "no" })}
                                        title={format!("{} is {}", t.name, t.state)}>
                                        { format!("{} {}", t.name, if t.met { "✓" } else { "✗" }) }
                                    </span>
                                }) }
                            </li>
                        }) }
                    </ul>
                </div>
            }) }
        </div>
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
