//! The playground's import worker: Nomad's jobspec and allocation parsers in a
//! wasm of their own, run in a Web Worker so the page's first load carries
//! none of them and a large jobspec never blocks the page. It answers each
//! `ImportRequest` with one `ImportReply`, in order.
//!
//! Both sides post messages as JS arrays of strings, the wire form of
//! `crate::tools::import::wire`; [`strings`] and [`to_js`] convert.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Listens for requests on the worker's global scope.
#[cfg(feature = "import-worker")]
pub fn start() {
    use crate::tools::import::{ImportReply, ImportRequest};
    use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply_to = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let reply = match ImportRequest::from_wire(strings(&event.data())) {
            Ok(request) => request.run(),
            // Only the page posts here; a malformed message still gets an answer.
            Err(err) => ImportReply::Failed(err.to_string()),
        };
        let _ = reply_to.post_message(&to_js(&reply.to_wire()));
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The worker lives as long as the page: so does its handler.
    on_message.forget();
    // Messages that arrived before the handler was set are gone: the page
    // holds its requests until it hears this.
    let _ = scope.post_message(&to_js(&ImportReply::Ready.to_wire()));
}

/// A message's strings (a JS array of strings; anything else reads as none,
/// which the wire form refuses by name).
pub fn strings(value: &JsValue) -> Vec<String> {
    match value.dyn_ref::<js_sys::Array>() {
        Some(array) => array
            .iter()
            .map(|v| v.as_string().unwrap_or_default())
            .collect(),
        None => Vec::new(),
    }
}

/// Strings as the JS array a message carries.
pub fn to_js(strings: &[String]) -> JsValue {
    strings
        .iter()
        .map(|s| JsValue::from_str(s))
        .collect::<js_sys::Array>()
        .into()
}
