//! The few browser facts the playground needs: the URL hash (share links)
//! and its changes. Every call tolerates a missing window (never panics).

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

/// The URL hash without `#`, if there is one.
pub fn hash() -> Option<String> {
    let hash = window()?.location().hash().ok()?;
    let hash = hash.strip_prefix('#').unwrap_or(&hash).to_owned();
    (!hash.is_empty()).then_some(hash)
}

/// Replaces the URL hash without adding a history entry or firing `hashchange`.
pub fn set_hash(hash: &str) {
    if let Some(history) = window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some(&format!("#{hash}")),
        );
    }
}

/// The page's URL with `hash`, for the share field.
pub fn share_url(hash: &str) -> String {
    let base = window()
        .and_then(|w| w.location().href().ok())
        .map(|href| href.split('#').next().unwrap_or_default().to_owned())
        .unwrap_or_default();
    format!("{base}#{hash}")
}

/// Calls `f` whenever the user changes the hash; keep the returned closure alive.
pub fn on_hash_change(f: impl FnMut() + 'static) -> Option<Closure<dyn FnMut()>> {
    let closure = Closure::<dyn FnMut()>::new(f);
    window()?
        .add_event_listener_with_callback("hashchange", closure.as_ref().unchecked_ref())
        .ok()?;
    Some(closure)
}
