package alchemist.task;

/** Types of task arguments and outputs. A MATRIX travels as its ID; the others as typed scalars. */
public enum ArgType {
    MATRIX, BYTE, SHORT, INT, LONG, FLOAT, DOUBLE, STRING
}
