//! Parses URDF files and prints their dofs and limits (a development check).
#![allow(clippy::print_stdout)]
fn main() {
    for arg in std::env::args().skip(1) {
        match dancebot::robot::RobotModel::load(std::path::Path::new(&arg)) {
            Ok(m) => {
                println!("{arg}: {} dofs, {:.2} kg", m.n_dofs(), m.total_mass_kg());
                for d in 0..m.n_dofs() {
                    let j = m.dof_joint(d);
                    println!(
                        "  {} {:?} [{:.2}, {:.2}] {:.1} rad/s",
                        j.name,
                        j.kind,
                        j.limits.lower_rad,
                        j.limits.upper_rad,
                        j.limits.velocity_rad_per_s
                    );
                }
            }
            Err(e) => println!("{e}"),
        }
    }
}
