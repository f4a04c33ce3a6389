//! Build script: with the `torch` feature, embed an rpath to libtorch's `lib` folder so the
//! binary, tests and benches find libtorch without `LD_LIBRARY_PATH`.

fn main() {
    println!("cargo:rerun-if-env-changed=LIBTORCH");
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var_os("CARGO_FEATURE_TORCH").is_none() {
        return;
    }
    let mut version = String::from("unknown");
    if let Some(libtorch) = std::env::var_os("LIBTORCH") {
        let root = std::path::Path::new(&libtorch);
        let root = root.canonicalize().unwrap_or_else(|_| root.to_owned());
        println!(
            "cargo:rustc-link-arg=-Wl,-rpath,{}",
            root.join("lib").display()
        );
        println!(
            "cargo:rerun-if-changed={}",
            root.join("version.py").display()
        );
        if let Some(v) = read_version(&root) {
            version = v;
        }
    }
    println!("cargo:rustc-env=DANCEBOT_LIBTORCH_VERSION={version}");
}

/// The version of a libtorch folder: `build-version` (C++ distribution) or the wheel's
/// `version.py` (`__version__ = '2.11.0+cu130'`).
fn read_version(root: &std::path::Path) -> Option<String> {
    if let Ok(v) = std::fs::read_to_string(root.join("build-version")) {
        return Some(v.trim().to_owned());
    }
    let py = std::fs::read_to_string(root.join("version.py")).ok()?;
    let line = py.lines().find(|l| l.starts_with("__version__"))?;
    Some(line.split(['\'', '"']).nth(1)?.to_owned())
}
