use deno_core::*;
#[op2]
#[string]
fn op_hello(#[string] s: String) -> String {
    format!("hi {s}")
}
#[derive(Debug, thiserror::Error, deno_error::JsError)]
enum E {
    #[class(type)]
    #[error("{0}")]
    T(String),
    #[class(generic)]
    #[error("{0}")]
    G(String),
}
#[op2(fast)]
fn op_fail(kind: u32) -> Result<(), E> {
    if kind == 0 {
        Err(E::T("bad type".into()))
    } else {
        Err(E::G("generic".into()))
    }
}
extension!(probe, ops = [op_hello, op_fail]);
fn main() {
    let mut rt = JsRuntime::new(RuntimeOptions {
        extensions: vec![probe::init()],
        ..Default::default()
    });
    let t = std::time::Instant::now();
    let mut rt2 = JsRuntime::new(RuntimeOptions {
        extensions: vec![probe::init()],
        ..Default::default()
    });
    eprintln!("second runtime {:?}", t.elapsed());
    drop(rt2);
    let r = rt
        .execute_script("g.js", "Object.getOwnPropertyNames(globalThis).join(',')")
        .unwrap();
    {
        scope!(scope, &mut rt);
        let l = v8::Local::new(scope, r);
        eprintln!("globals: {}", l.to_rust_string_lossy(scope));
    }
    for src in [
    "(async function(){}).constructor.name + ' ' + Object.prototype.toString.call(async function(){})",
    "typeof Deno.core.ops.op_hello",
    "try { Deno.core.ops.op_fail(0) } catch (e) { e.constructor.name + ':' + e.message + ':' + (e instanceof TypeError) }",
    "try { Deno.core.ops.op_fail(1) } catch (e) { e.constructor.name + ':' + e.message + ':' + e.stack }",
    "const ops = Deno.core.ops; delete globalThis.Deno; delete globalThis.__bootstrap; typeof Deno + ops.op_hello('x')",
    "new Error('x').stack",
    "(function(){ try { null.x } catch (e) { return e.message + ' | ' + e.stack } })()",
  ] {
    match rt.execute_script("file:///actions/p.js", src.to_string()) {
      Ok(v) => { scope!(scope, &mut rt); let l = v8::Local::new(scope, v); eprintln!("ok: {}", l.to_rust_string_lossy(scope)); }
      Err(e) => eprintln!("err: {e:?}"),
    }
  }
    for src in [
        "(function (exports) {\nlet x = ;\n})",
        "(function (exports) {exports.a = 1 +\n\n  })",
        "(function(){\n  throw new Error('boom')\n})()",
    ] {
        match rt.execute_script("file:///actions/bad.js", src.to_string()) {
            Ok(_) => eprintln!("parsed"),
            Err(e) => eprintln!(
                "err: name={:?} msg={:?} stack={:?} frames={:?} line={:?} excmsg={:?}",
                e.name,
                e.message,
                e.stack,
                e.frames
                    .iter()
                    .map(|f| (f.file_name.clone(), f.line_number, f.column_number))
                    .collect::<Vec<_>>(),
                e.source_line,
                e.exception_message
            ),
        }
    }
}
