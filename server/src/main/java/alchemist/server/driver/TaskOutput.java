package alchemist.server.driver;

import alchemist.protocol.MatrixLayout;

/**
 * One output of a task run, as RUN_TASK's reply gives it: a matrix (its layout) or a scalar.
 *
 * @param name   the output's name in the task's signature
 * @param matrix the new matrix, or null for a scalar
 * @param scalar the scalar's value, or null for a matrix
 */
public record TaskOutput(String name, MatrixLayout matrix, Object scalar) {
}
