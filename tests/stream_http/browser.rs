//! Headless Chromium loads the companion page from the server and screenshots it; the
//! screenshot must show the character (its shirt, skin and wall colours), not a blank page.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::*;

const WALL: [u8; 3] = [214, 220, 228];
const BROWSERS: [&str; 3] = ["chromium", "chromium-browser", "google-chrome"];
const BROWSER_TIMEOUT: Duration = Duration::from_secs(90);

fn find_browser() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    BROWSERS.iter().find_map(|name| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    })
}

/// Runs `browser` headless on `url`, writing a `width × height` screenshot to `shot`; kills
/// it after [`BROWSER_TIMEOUT`].
fn screenshot(browser: &Path, url: &str, shot: &Path, (width, height): (u32, u32)) {
    let profile = tempfile::tempdir().unwrap();
    let log = std::fs::File::create(profile.path().join("browser.log")).unwrap();
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!(
            "--user-data-dir={}",
            profile.path().join("profile").display()
        ))
        .arg(format!("--window-size={width},{height}"))
        .arg(format!("--screenshot={}", shot.display()))
        // The MJPEG stream never finishes loading: stop loading after 4 s, then shoot.
        .arg("--timeout=4000")
        .arg(url)
        .process_group(0)
        .stdin(Stdio::null())
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > BROWSER_TIMEOUT {
            // The browser and every process it started: its own process group.
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{}", child.id())])
                .status();
            let _ = child.kill();
            let _ = child.wait();
            let log =
                std::fs::read_to_string(profile.path().join("browser.log")).unwrap_or_default();
            panic!(
                "{} did not finish within {BROWSER_TIMEOUT:?}; its log:\n{log}",
                browser.display()
            );
        }
        thread::sleep(Duration::from_millis(100));
    };
    let log = std::fs::read_to_string(profile.path().join("browser.log")).unwrap_or_default();
    assert!(
        status.success() && shot.is_file(),
        "{} failed ({status}):\n{log}",
        browser.display()
    );
}

#[test]
fn chromium_shows_the_dancing_character_on_the_page() {
    let Some(browser) = find_browser() else {
        if std::env::var("DANCEBOT_SKIP_BROWSER").as_deref() == Ok("1") {
            eprintln!("no chromium on PATH; skipped because DANCEBOT_SKIP_BROWSER=1");
            return;
        }
        panic!(
            "chromium is not installed (looked for {BROWSERS:?} on PATH): run \
             `scripts/setup.sh --test-tools` or `apt-get install chromium`; set \
             DANCEBOT_SKIP_BROWSER=1 to skip this test"
        );
    };
    let rt = runtime();
    let server = start(&rt);
    let addr = server.local_addr();
    let stop = Arc::new(AtomicBool::new(false));
    let player = play(Box::new(server.sink()), (240, 320), stop.clone());
    // Wait for the first frame so the page has something to show at once.
    let deadline = Instant::now() + Duration::from_secs(20);
    while agent()
        .get(&format!("http://{addr}/snapshot.jpg"))
        .call()
        .is_err()
    {
        assert!(Instant::now() < deadline, "no frame within 20 s");
        thread::sleep(Duration::from_millis(50));
    }

    let out = tempfile::tempdir().unwrap();
    let shot = out.path().join("page.png");
    let size = (1000, 700);
    // The page paints the avatar when the first MJPEG part has arrived and the skeleton when
    // the first event has; on a loaded machine the browser can shoot between the two. So up
    // to three screenshots are taken, and one of them must show everything.
    let mut seen = String::new();
    let mut shown = false;
    for _ in 0..3 {
        screenshot(&browser, &format!("http://{addr}/"), &shot, size);
        let img = image::open(&shot).unwrap().to_rgb8();
        assert_eq!(img.dimensions(), size);
        let count = |c: [u8; 3], tol: i32| img.pixels().filter(|p| near(p.0, c, tol)).count();
        let (shirt, skin, wall) = (count(SHIRT, 30), count(SKIN, 30), count(WALL, 12));
        // The skeleton view: OpenPose colours, more saturated than anything on the character.
        let skeleton = img
            .pixels()
            .filter(|p| p.0.iter().max().unwrap() - p.0.iter().min().unwrap() > 200)
            .count();
        seen = format!("wall {wall}, shirt {shirt}, skin {skin}, skeleton {skeleton} pixels");
        shown = wall > 20_000 && shirt > 1_000 && skin > 300 && skeleton > 300;
        if shown {
            break;
        }
    }
    stop.store(true, Ordering::SeqCst);
    player.join().unwrap();
    rt.block_on(server.shutdown()).unwrap();
    if !shown {
        let kept = std::env::temp_dir().join("dancebot-stream-page.png");
        let _ = std::fs::copy(&shot, &kept);
        panic!(
            "the screenshot does not show the character and its skeleton: {seen} (last \
             screenshot copied to {})",
            kept.display()
        );
    }
}
