//! The playground's import worker: Nomad's jobspec and allocation parsers in a
//! wasm of their own, run in a Web Worker so the page's first load carries
//! none of them and a large jobspec never blocks the page. It answers each
//! [`ImportRequest`] with one [`ImportReply`], in order.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use crate::tools::import::{ImportReply, ImportRequest};

/// Listens for requests on the worker's global scope.
pub fn start() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply_to = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let reply = match serde_wasm_bindgen::from_value::<ImportRequest>(event.data()) {
            Ok(request) => request.run(),
            // Only the page posts here; a malformed message still gets an answer.
            Err(err) => {
                ImportReply::Jobspec(Err(format!("bad request to the import worker: {err}")))
            }
        };
        if let Ok(value) = serde_wasm_bindgen::to_value(&reply) {
            let _ = reply_to.post_message(&value);
        }
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The worker lives as long as the page: so does its handler.
    on_message.forget();
    // Messages that arrived before the handler was set are gone: the page
    // holds its requests until it hears this.
    if let Ok(ready) = serde_wasm_bindgen::to_value(&ImportReply::Ready) {
        let _ = scope.post_message(&ready);
    }
}
