// Mutation testing of the Pulumi program's own logic (StrykerJS): scripts/mutation.sh infra runs it.
/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
    mutate: ["infra/lib/**/*.ts", "infra/providers/**/*.ts", "infra/config.ts"],
    testRunner: "tap",
    tap: {
        testFiles: ["build/tests/infra/{lib,config,providers,stack,components,policy}/**/*.test.js"],
        nodeArgs: ["--test-reporter=tap", "-r", "{{hookFile}}", "{{testFile}}"],
    },
    buildCommand: "npx tsc -p tsconfig.json",
    coverageAnalysis: "perTest",
    concurrency: 2,
    ignorePatterns: [
        "build",
        ".cache",
        "**/bin",
        "**/obj",
        "tests/AcsPush.Functions.Tests",
        "benchmarks",
        "reports",
    ],
    reporters: ["html", "json", "progress"],
    htmlReporter: { fileName: "reports/mutation/infra/mutation-report.html" },
    jsonReporter: { fileName: "reports/mutation/infra/mutation-report.json" },
    tempDirName: ".stryker-tmp",
    // The floor (90 %) is checked by scripts/mutation.sh on a full run, not on a run of a few files.
    thresholds: { high: 95, low: 90, break: null },
};
