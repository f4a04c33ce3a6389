#!/usr/bin/env python3
"""Writes urdf/dancebot_humanoid.urdf, the project's own humanoid.

A 1.36 m, 36 kg humanoid with 25 revolute joints, primitive shapes only (boxes, cylinders,
spheres) so RViz shows it without meshes. Masses are those of a mid-size electric humanoid;
inertias are computed from each link's shape and mass, so the centre of mass is meaningful.

URDF frame: x forward, y left, z up; every joint at zero is the standing pose with arms hanging.
Run from the repository root: python3 scripts/gen_humanoid_urdf.py
"""

from pathlib import Path

ROBOT = "dancebot_humanoid"
OUT = Path(__file__).resolve().parent.parent / "urdf" / f"{ROBOT}.urdf"

# Segment lengths, metres.
HIP_Y = 0.09
HIP_DROP = 0.07
THIGH = 0.30
SHIN = 0.30
ANKLE_H = 0.05
WAIST_UP = 0.10
TORSO = 0.32
SHOULDER_Y = 0.17
UPPER_ARM = 0.22
FOREARM = 0.20
NECK = 0.06


def fmt(*v):
    return " ".join(f"{x:.6g}" for x in v)


def box_inertia(m, x, y, z):
    return (m * (y * y + z * z) / 12, m * (x * x + z * z) / 12, m * (x * x + y * y) / 12)


def cyl_inertia(m, r, h):
    ixx = m * (3 * r * r + h * h) / 12
    return (ixx, ixx, m * r * r / 2)


def sphere_inertia(m, r):
    i = 2 * m * r * r / 5
    return (i, i, i)


def link(name, mass, inertia, com, shape, color, shape_origin=None):
    """shape: ('box', x, y, z) | ('cylinder', r, h) | ('sphere', r), placed at shape_origin."""
    ox = shape_origin if shape_origin is not None else com
    if shape[0] == "box":
        geom = f'<box size="{fmt(*shape[1:])}"/>'
    elif shape[0] == "cylinder":
        geom = f'<cylinder radius="{shape[1]:.6g}" length="{shape[2]:.6g}"/>'
    else:
        geom = f'<sphere radius="{shape[1]:.6g}"/>'
    ixx, iyy, izz = inertia
    return f"""  <link name="{name}">
    <inertial>
      <origin xyz="{fmt(*com)}" rpy="0 0 0"/>
      <mass value="{mass:.6g}"/>
      <inertia ixx="{ixx:.6g}" ixy="0" ixz="0" iyy="{iyy:.6g}" iyz="0" izz="{izz:.6g}"/>
    </inertial>
    <visual>
      <origin xyz="{fmt(*ox)}" rpy="0 0 0"/>
      <geometry>{geom}</geometry>
      <material name="{color}"/>
    </visual>
    <collision>
      <origin xyz="{fmt(*ox)}" rpy="0 0 0"/>
      <geometry>{geom}</geometry>
    </collision>
  </link>
"""


def small_link(name, mass=0.3, r=0.035):
    return link(name, mass, sphere_inertia(mass, r), (0, 0, 0), ("sphere", r), "joint")


def joint(name, parent, child, xyz, axis, lower, upper, vel, effort):
    return f"""  <joint name="{name}" type="revolute">
    <parent link="{parent}"/>
    <child link="{child}"/>
    <origin xyz="{fmt(*xyz)}" rpy="0 0 0"/>
    <axis xyz="{fmt(*axis)}"/>
    <limit lower="{lower:.6g}" upper="{upper:.6g}" velocity="{vel:.6g}" effort="{effort:.6g}"/>
  </joint>
"""


def fixed(name, parent, child, xyz):
    return f"""  <joint name="{name}" type="fixed">
    <parent link="{parent}"/>
    <child link="{child}"/>
    <origin xyz="{fmt(*xyz)}" rpy="0 0 0"/>
  </joint>
"""


def leg(side):
    s = 1 if side == "l" else -1
    p = f"{side}_"
    out = []
    out.append(small_link(p + "hip_yaw_link", 0.6, 0.045))
    out.append(small_link(p + "hip_roll_link", 0.8, 0.05))
    out.append(link(p + "thigh", 3.2, cyl_inertia(3.2, 0.06, THIGH), (0, 0, -THIGH / 2),
                    ("cylinder", 0.06, THIGH), "body"))
    out.append(link(p + "shin", 2.2, cyl_inertia(2.2, 0.05, SHIN), (0, 0, -SHIN / 2),
                    ("cylinder", 0.05, SHIN), "body"))
    out.append(small_link(p + "ankle_link", 0.3, 0.035))
    out.append(link(p + "foot", 0.9, box_inertia(0.9, 0.22, 0.10, 0.04), (0.02, 0, -ANKLE_H + 0.02),
                    ("box", 0.22, 0.10, 0.04), "shoe"))
    # Roll ranges mirror: positive roll about +x moves a left leg outward and a right leg inward.
    roll_lo, roll_hi = (-0.35, 0.70) if s > 0 else (-0.70, 0.35)
    ank_lo, ank_hi = (-0.40, 0.40)
    out.append(joint(p + "hip_yaw", "base_link", p + "hip_yaw_link", (0, s * HIP_Y, -HIP_DROP),
                     (0, 0, 1), -0.6, 0.6, 5.0, 60))
    out.append(joint(p + "hip_roll", p + "hip_yaw_link", p + "hip_roll_link", (0, 0, 0),
                     (1, 0, 0), roll_lo, roll_hi, 5.0, 100))
    out.append(joint(p + "hip_pitch", p + "hip_roll_link", p + "thigh", (0, 0, 0),
                     (0, 1, 0), -1.9, 0.6, 6.0, 120))
    out.append(joint(p + "knee", p + "thigh", p + "shin", (0, 0, -THIGH),
                     (0, 1, 0), 0.0, 2.3, 6.0, 120))
    out.append(joint(p + "ankle_pitch", p + "shin", p + "ankle_link", (0, 0, -SHIN),
                     (0, 1, 0), -0.8, 0.6, 6.0, 60))
    out.append(joint(p + "ankle_roll", p + "ankle_link", p + "foot", (0, 0, 0),
                     (1, 0, 0), ank_lo, ank_hi, 5.0, 40))
    return out


def arm(side):
    s = 1 if side == "l" else -1
    p = f"{side}_"
    out = []
    out.append(small_link(p + "shoulder_pitch_link", 0.4, 0.045))
    out.append(small_link(p + "shoulder_roll_link", 0.3, 0.04))
    out.append(link(p + "upper_arm", 1.4, cyl_inertia(1.4, 0.04, UPPER_ARM), (0, 0, -UPPER_ARM / 2),
                    ("cylinder", 0.04, UPPER_ARM), "body"))
    out.append(link(p + "forearm", 0.9, cyl_inertia(0.9, 0.033, FOREARM), (0, 0, -FOREARM / 2),
                    ("cylinder", 0.033, FOREARM), "body"))
    out.append(link(p + "hand", 0.35, box_inertia(0.35, 0.04, 0.07, 0.10), (0, 0, -0.05),
                    ("box", 0.04, 0.07, 0.10), "skin"))
    roll_lo, roll_hi = (-0.25, 2.9) if s > 0 else (-2.9, 0.25)
    out.append(joint(p + "shoulder_pitch", "torso", p + "shoulder_pitch_link",
                     (0, s * SHOULDER_Y, TORSO - 0.04), (0, 1, 0), -3.1, 1.0, 6.0, 40))
    out.append(joint(p + "shoulder_roll", p + "shoulder_pitch_link", p + "shoulder_roll_link",
                     (0, 0, 0), (1, 0, 0), roll_lo, roll_hi, 6.0, 40))
    out.append(joint(p + "shoulder_yaw", p + "shoulder_roll_link", p + "upper_arm", (0, 0, 0),
                     (0, 0, 1), -1.6, 1.6, 6.0, 20))
    out.append(joint(p + "elbow", p + "upper_arm", p + "forearm", (0, 0, -UPPER_ARM),
                     (0, 1, 0), -2.4, 0.0, 7.0, 20))
    out.append(joint(p + "wrist_yaw", p + "forearm", p + "hand", (0, 0, -FOREARM),
                     (0, 0, 1), -1.5, 1.5, 8.0, 5))
    return out


def main():
    parts = [f'<?xml version="1.0"?>\n<!-- Generated by scripts/gen_humanoid_urdf.py; edit that, not this. -->\n<robot name="{ROBOT}">\n']
    for name, rgba in [("body", "0.85 0.87 0.9 1"), ("joint", "0.25 0.27 0.3 1"),
                       ("skin", "0.95 0.8 0.65 1"), ("shoe", "0.15 0.15 0.18 1"),
                       ("visor", "0.1 0.5 0.9 1")]:
        parts.append(f'  <material name="{name}"><color rgba="{rgba}"/></material>\n')
    parts.append(link("base_link", 5.0, box_inertia(5.0, 0.16, 0.26, 0.14), (0, 0, -0.02),
                      ("box", 0.16, 0.26, 0.14), "body"))
    parts.append(link("torso", 11.0, box_inertia(11.0, 0.20, 0.30, TORSO), (0, 0, TORSO / 2),
                      ("box", 0.20, 0.30, TORSO), "body"))
    parts.append(small_link("neck_link", 0.3, 0.035))
    parts.append(link("head", 2.4, sphere_inertia(2.4, 0.10), (0, 0, 0.10), ("sphere", 0.10), "visor"))
    parts.append(joint("waist_yaw", "base_link", "torso", (0, 0, WAIST_UP), (0, 0, 1),
                       -1.0, 1.0, 3.0, 80))
    parts.append(joint("head_yaw", "torso", "neck_link", (0, 0, TORSO + NECK / 2), (0, 0, 1),
                       -1.2, 1.2, 5.0, 10))
    parts.append(joint("head_pitch", "neck_link", "head", (0, 0, NECK / 2), (0, 1, 0),
                       -0.6, 0.7, 5.0, 10))
    for side in ("l", "r"):
        parts.extend(arm(side))
        parts.extend(leg(side))
    parts.append("</robot>\n")
    OUT.write_text("".join(parts))
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
