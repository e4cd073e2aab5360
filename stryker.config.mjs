// Mutation testing of the Pulumi program's own logic (StrykerJS): scripts/mutation.sh infra runs it.
/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
    mutate: ["infra/lib/**/*.ts", "infra/providers/**/*.ts", "infra/config.ts"],
    testRunner: "tap",
    tap: {
        // The unit tests of lib/, config/ and providers/. The whole-program tests (stack/, components/, policy/, tools/)
        // evaluate the Pulumi program for 2 s each and would run for most mutants; scripts/test.sh runs them, and a
        // mutant only they would catch counts as survived here.
        testFiles: ["build/tests/infra/{lib,config,providers}/**/*.test.js"],
        nodeArgs: ["--test-reporter=tap", "-r", "{{hookFile}}", "{{testFile}}"],
    },
    buildCommand: "npx tsc -p tsconfig.json",
    coverageAnalysis: "perTest",
    // No ignoreStatic: the tap runner runs every test file in a process of its own, with the mutant active from the
    // start, so a mutant in what a module computes when it loads (the declaration tables: every configuration key's
    // description, rule and example; the catalogs of regions and SKUs; the alert definitions) is tested like any
    // other, and the runner reports no static coverage for ignoreStatic to act on.
    // The warnings "Test file build/tests/... not found in input files" concern the HTML report only (build/ is not
    // copied, the sandbox compiles it): coverage is per test file, by its name, and unaffected.
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
