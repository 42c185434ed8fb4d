"""Published data sets used by the reference tests (small; typed in, never generated).

Sources are given next to each data set. Montgomery's tables are taken from CSV exports of
the R package qcc's data sets (`pistonrings`, `orangejuice`, `circuit`, `pcmanufact`), which
reproduce them: `pistonrings` was compared between two independent exports found in public
repositories, the others come from one export. Every Montgomery figure tested against these
data (centre lines, limits, flagged samples) agrees with them.
"""

# Montgomery, Introduction to Statistical Quality Control (6th-8th ed.), Tables 6.1 and 6.3:
# inside diameter of forged piston rings, 40 subgroups of 5 (1-25 phase I, 26-40 phase II).
# R package qcc, data(pistonrings).
PISTON_RINGS = [
    [74.030, 74.002, 74.019, 73.992, 74.008],
    [73.995, 73.992, 74.001, 74.011, 74.004],
    [73.988, 74.024, 74.021, 74.005, 74.002],
    [74.002, 73.996, 73.993, 74.015, 74.009],
    [73.992, 74.007, 74.015, 73.989, 74.014],
    [74.009, 73.994, 73.997, 73.985, 73.993],
    [73.995, 74.006, 73.994, 74.000, 74.005],
    [73.985, 74.003, 73.993, 74.015, 73.988],
    [74.008, 73.995, 74.009, 74.005, 74.004],
    [73.998, 74.000, 73.990, 74.007, 73.995],
    [73.994, 73.998, 73.994, 73.995, 73.990],
    [74.004, 74.000, 74.007, 74.000, 73.996],
    [73.983, 74.002, 73.998, 73.997, 74.012],
    [74.006, 73.967, 73.994, 74.000, 73.984],
    [74.012, 74.014, 73.998, 73.999, 74.007],
    [74.000, 73.984, 74.005, 73.998, 73.996],
    [73.994, 74.012, 73.986, 74.005, 74.007],
    [74.006, 74.010, 74.018, 74.003, 74.000],
    [73.984, 74.002, 74.003, 74.005, 73.997],
    [74.000, 74.010, 74.013, 74.020, 74.003],
    [73.988, 74.001, 74.009, 74.005, 73.996],
    [74.004, 73.999, 73.990, 74.006, 74.009],
    [74.010, 73.989, 73.990, 74.009, 74.014],
    [74.015, 74.008, 73.993, 74.000, 74.010],
    [73.982, 73.984, 73.995, 74.017, 74.013],
    [74.012, 74.015, 74.030, 73.986, 74.000],
    [73.995, 74.010, 73.990, 74.015, 74.001],
    [73.987, 73.999, 73.985, 74.000, 73.990],
    [74.008, 74.010, 74.003, 73.991, 74.006],
    [74.003, 74.000, 74.001, 73.986, 73.997],
    [73.994, 74.003, 74.015, 74.020, 74.004],
    [74.008, 74.002, 74.018, 73.995, 74.005],
    [74.001, 74.004, 73.990, 73.996, 73.998],
    [74.015, 74.000, 74.016, 74.025, 74.000],
    [74.030, 74.005, 74.000, 74.016, 74.012],
    [74.001, 73.990, 73.995, 74.010, 74.024],
    [74.015, 74.020, 74.024, 74.005, 74.019],
    [74.035, 74.010, 74.012, 74.015, 74.026],
    [74.017, 74.013, 74.036, 74.025, 74.026],
    [74.010, 74.005, 74.029, 74.000, 74.020],
]

# Montgomery, Example 7.1 / Table 7.1: frozen orange juice concentrate cans, nonconforming
# cans in 30 samples of n = 50 (then 24 samples after adjustment). qcc data(orangejuice).
ORANGE_JUICE = [
    12, 15, 8, 10, 4, 7, 16, 9, 14, 10, 5, 6, 17, 12, 22, 8, 10, 5, 13, 11,
    20, 18, 24, 15, 9, 12, 7, 13, 9, 6,
]  # fmt: skip
ORANGE_JUICE_PHASE2 = [
    9, 6, 12, 5, 6, 4, 6, 3, 7, 6, 2, 4, 3, 6, 5, 4, 8, 5, 6, 7, 5, 6, 3, 5,
]  # fmt: skip

# Montgomery, Example 7.3 / Table 7.7: nonconformities in 26 samples of 100 printed circuit
# boards. qcc data(circuit), first 26 rows.
CIRCUIT_BOARDS = [
    21, 24, 16, 12, 15, 5, 28, 20, 31, 25, 20, 24, 16, 19, 10, 17, 13, 22, 18, 39,
    30, 24, 16, 19, 17, 15,
]  # fmt: skip

# Montgomery, section 7.3.1, personal-computer manufacturing example (example number from memory): nonconformities in 20 samples of
# 5 computers. qcc data(pcmanufact).
PC_MANUFACTURING = [10, 12, 8, 14, 10, 16, 11, 7, 10, 15, 9, 5, 7, 11, 12, 6, 8, 10, 7, 5]

# NIST/SEMATECH e-Handbook 6.3.2.2 (Individuals control charts), flow-rate example.
NIST_FLOWRATE = [49.6, 47.6, 49.9, 51.3, 47.8, 51.2, 52.6, 52.4, 53.6, 52.1]

# NIST/SEMATECH e-Handbook 6.3.2.4 (EWMA control charts), 20 observations and the printed
# EWMA series (2 decimals), EWMA_0 = 50, s = 2.0539, lambda = 0.3.
NIST_EWMA_DATA = [
    52.0, 47.0, 53.0, 49.3, 50.1, 47.0, 51.0, 50.1, 51.2, 50.5,
    49.6, 47.6, 49.9, 51.3, 47.8, 51.2, 52.6, 52.4, 53.6, 52.1,
]  # fmt: skip
NIST_EWMA_PRINTED = [
    50.60, 49.52, 50.56, 50.18, 50.16, 49.21, 49.75, 49.85, 50.26, 50.33,
    50.11, 49.36, 49.52, 50.05, 49.38, 49.92, 50.73, 51.23, 51.94, 51.99,
]  # fmt: skip

# NIST/SEMATECH e-Handbook 6.3.2.3 (CUSUM control charts), tabular example: 20 subgroup means
# (n = 4, s = 1.27, so sigma of a mean = 0.635), target 325, k = 0.3175, h = 4.1959.
# Printed columns: S_hi and S_lo (2 decimals); S_hi first exceeds h at group 14.
NIST_CUSUM_DATA = [
    324.925, 324.675, 324.725, 324.350, 325.350, 325.225, 324.125, 324.525, 325.225, 324.600,
    324.625, 325.150, 328.325, 327.250, 327.825, 328.500, 326.675, 327.775, 326.875, 328.350,
]  # fmt: skip
NIST_CUSUM_SHI = [
    0.00, 0.00, 0.00, 0.00, 0.03, 0.00, 0.00, 0.00, 0.00, 0.00,
    0.00, 0.00, 3.01, 4.94, 7.45, 10.63, 11.99, 14.44, 16.00, 19.04,
]  # fmt: skip
NIST_CUSUM_SLO = [
    0.00, 0.01, 0.00, 0.33, 0.00, 0.00, 0.56, 0.72, 0.17, 0.25,
    0.31, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00,
]  # fmt: skip

# Montgomery, Table 9.1 (CUSUM and EWMA examples 9.1 and 9.2): 30 observations, mu0 = 10,
# sigma = 1; the mean shifts to 11 from observation 21.
MONTGOMERY_TABLE_9_1 = [
    9.45, 7.99, 9.29, 11.66, 12.16, 10.18, 8.04, 11.46, 9.20, 10.34,
    9.03, 11.47, 10.51, 9.40, 10.08, 9.37, 10.62, 10.31, 8.52, 10.84,
    10.90, 9.33, 12.29, 11.50, 10.60, 11.08, 10.38, 11.62, 11.31, 10.52,
]  # fmt: skip

# Cushny & Peebles (1905), as used by Student (1908): extra hours of sleep of 10 patients on
# two drugs. R data set `sleep` (group 1 and group 2). R `t.test(extra ~ group, data = sleep)`
# (Welch, the default) prints t = -1.8608, df = 17.776, p-value = 0.07939, 95 % CI
# -3.3654832 to 0.2054832; the summary-statistics version (means 0.75, 2.33, SDs 1.789010,
# 2.002249) prints -3.3654835 to 0.2054835 in the documentation of R's `tTestA`.
SLEEP_GROUP1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
SLEEP_GROUP2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]

# Montgomery, Table 6.3 (25 phase-I subgroups) as printed: identical to qcc's pistonrings
# except sample 21, printed as 73.982, 74.001, 74.015, 74.005, 73.996 (x-bar 74.000,
# s 0.0122) where qcc has 73.988, 74.001, 74.009, 74.005, 73.996 (same mean). Two public
# reproductions of the book's table agree on the printed row (a Q&A reproduction of Table 6.3
# and of Table 6.4, which repeats it). With the printed row, sum R = 0.581 and s-bar = 0.0094,
# as M prints in Examples 6.1 and 6.3 (qcc's row gives 0.569 and 0.00924).
MONTGOMERY_TABLE_6_3 = [
    *PISTON_RINGS[:20],
    [73.982, 74.001, 74.015, 74.005, 73.996],
    *PISTON_RINGS[21:25],
]
