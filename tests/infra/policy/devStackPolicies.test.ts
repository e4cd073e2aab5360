import { before, describe } from "node:test";
import { PolicySubject } from "../../../infra/tools/preview/policies";
import { policyTests, stackSubjects } from "./policyHarness";

describe("the policy pack on the dev stack", () => {
    let subjects: PolicySubject[] = [];
    before(async () => {
        subjects = await stackSubjects("dev");
    });
    policyTests("dev", () => subjects);
});
