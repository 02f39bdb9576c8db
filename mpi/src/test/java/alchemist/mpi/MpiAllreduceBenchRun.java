package alchemist.mpi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Runs {@link MpiAllreduceBench} on 3 ranks and prints its figures. Not a test of the build (its name
 * does not match surefire's patterns); run it on purpose:
 * {@code mvn -B -q -o -pl mpi -am test -Dsurefire.failIfNoSpecifiedTests=false -Dtest=MpiAllreduceBenchRun}.
 */
class MpiAllreduceBenchRun {
    @Test
    void allreduceThroughput() throws Exception {
        MpiJobTest.Result r = MpiJobTest.mpirun(3, "alchemist.mpi.MpiAllreduceBench", 600);
        System.out.println(r.output());
        assertEquals(0, r.exitCode(), r.output());
    }
}
