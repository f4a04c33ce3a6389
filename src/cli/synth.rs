//! `dancebot synth`: writes synthesized songs with their ground truth (`.beats`,
//! `.sections.json`) — the bundled demo song, one corpus song, the whole corpus, or a song
//! described by a YAML/JSON spec file.

use std::path::{Path, PathBuf};

use anyhow::Context;
use dancebot::audio::synth::{self, SongSpec};

/// Arguments of `dancebot synth`.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["song", "corpus", "spec", "list"])))]
pub struct Args {
    /// A named song: `bundled` (the demo song) or a corpus name (see --list).
    #[arg(long, value_name = "NAME")]
    pub song: Option<String>,
    /// Every corpus song, into the folder given by --out.
    #[arg(long)]
    pub corpus: bool,
    /// A song spec file (YAML or JSON; every field optional, see `SongSpec`).
    #[arg(long, value_name = "FILE")]
    pub spec: Option<PathBuf>,
    /// List the corpus songs and their properties.
    #[arg(long)]
    pub list: bool,
    /// Replace the seed of the song(s).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Output WAV file (or folder with --corpus); `.beats` and `.sections.json` go beside it.
    #[arg(long, value_name = "PATH", required_unless_present = "list")]
    pub out: Option<PathBuf>,
}

/// Runs `dancebot synth`.
pub fn run(args: Args) -> anyhow::Result<()> {
    if args.list {
        print_list();
        return Ok(());
    }
    let out = args.out.as_deref().context("--out is required")?;
    if args.corpus {
        return write_corpus(out, args.seed);
    }
    let mut spec = match (&args.song, &args.spec) {
        (Some(name), _) => named_song(name)?,
        (None, Some(path)) => dancebot::config::load::<SongSpec>(path)?,
        (None, None) => anyhow::bail!("give --song, --spec, --corpus or --list"),
    };
    if let Some(seed) = args.seed {
        spec.seed = seed;
    }
    let files = render_to(&spec, out)?;
    println!(
        "wrote {}, {} and {}",
        files.wav.display(),
        files.beats.display(),
        files.sections.display()
    );
    Ok(())
}

fn named_song(name: &str) -> anyhow::Result<SongSpec> {
    synth::corpus_song(name).with_context(|| {
        format!("no song named `{name}`: use `bundled` or a name from `dancebot synth --list`")
    })
}

fn render_to(spec: &SongSpec, wav: &Path) -> anyhow::Result<synth::SongFiles> {
    let song = synth::render(spec).with_context(|| format!("cannot render {}", wav.display()))?;
    Ok(synth::write_song(wav, &song)?)
}

fn write_corpus(dir: &Path, seed: Option<u64>) -> anyhow::Result<()> {
    let songs = synth::corpus();
    let bar = indicatif::ProgressBar::new(songs.len() as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let mut manifest = serde_json::Map::new();
    for (name, mut spec) in songs {
        bar.set_message(name.clone());
        if let Some(seed) = seed {
            spec.seed = seed;
        }
        render_to(&spec, &dir.join(format!("{name}.wav")))?;
        manifest.insert(name, serde_json::to_value(&spec)?);
        bar.inc(1);
    }
    bar.finish_and_clear();
    let manifest_path = dir.join("corpus.json");
    dancebot::error::write_json_atomic(&manifest_path, &manifest)?;
    println!(
        "wrote {} songs and {} to {}",
        manifest.len(),
        manifest_path.display(),
        dir.display()
    );
    Ok(())
}

fn print_list() {
    println!(
        "{:<26} {:>11} {:>5} {:>6} {:>7} {:>5} {:>8} {:>6} {:>7} {:>3} {:>6}",
        "name",
        "tempo_bpm",
        "meter",
        "swing",
        "syncop",
        "perc",
        "drumless",
        "snr_db",
        "rate_hz",
        "ch",
        "secs"
    );
    for (name, spec) in synth::corpus() {
        println!("{}", describe(&name, &spec));
    }
}

fn describe(name: &str, spec: &SongSpec) -> String {
    let tempo = match spec.ramp_to_bpm {
        Some(to) => format!("{:.0}->{:.0}", spec.tempo_bpm, to),
        None => format!("{:.0}", spec.tempo_bpm),
    };
    let snr = spec
        .noise_snr_db
        .map_or_else(|| "-".to_owned(), |db| format!("{db:.0}"));
    let secs = spec.duration_secs();
    format!(
        "{:<26} {:>11} {:>5} {:>6.2} {:>7} {:>5.2} {:>8} {:>6} {:>7} {:>3} {:>6.1}",
        name,
        tempo,
        format!("{}/4", spec.beats_per_bar),
        spec.swing,
        format!("{:?}", spec.syncopation).to_lowercase(),
        spec.percussion_level,
        spec.drumless_intro_bars,
        snr,
        spec.sample_rate_hz.hz(),
        if spec.stereo { 2 } else { 1 },
        secs
    )
}
