// SPDX-License-Identifier: Apache-2.0
package dev.ethtoolsnoop.live;

import dev.ethtoolsnoop.support.LiveGate;
import dev.ethtoolsnoop.support.Scenario;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Path;
import java.util.List;

/** The live scenario on this machine's own kernel, with the backend it can run (syscall here). */
class HostLiveIT {
    @TestFactory
    List<DynamicTest> syscallBackendOnThisHost() {
        LiveGate.require(LiveGate.isRoot(), "live tracing needs root");
        Scenario.requireTools();
        Scenario.Result r = Scenario.runHere("syscall", Path.of("target/live/host-syscall"));
        return ScenarioChecks.tests(r, ScenarioChecks.ALL_FILTERS);
    }
}
