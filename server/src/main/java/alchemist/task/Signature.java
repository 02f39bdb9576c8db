package alchemist.task;

import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/**
 * What a task takes and returns, in order. Parameters with a default may be left off at the end of the
 * argument list.
 * <pre>{@code
 * Signature.builder().matrix("A").intArg("k").optional("method", ArgType.BYTE, (byte) 0)
 *         .outputMatrix("U").outputMatrix("S").outputMatrix("V").build()
 * }</pre>
 */
public record Signature(List<Parameter> parameters, List<Output> outputs) {

    /** A parameter; {@code defaultValue} null means required. */
    public record Parameter(String name, ArgType type, Object defaultValue) {
        public boolean required() {
            return defaultValue == null;
        }
    }

    /** An output: a matrix or a scalar. */
    public record Output(String name, ArgType type) {
    }

    public Signature {
        parameters = List.copyOf(parameters);
        outputs = List.copyOf(outputs);
    }

    /** @return the index of a parameter, or -1 */
    public int parameterIndex(String name) {
        for (int i = 0; i < parameters.size(); i++) {
            if (parameters.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** @return the output of that name, or null */
    public Output output(String name) {
        return outputs.stream().filter(o -> o.name().equals(name)).findFirst().orElse(null);
    }

    /** @return e.g. {@code truncated_SVD(A: MATRIX, k: INT, method: BYTE = 0) -> (U: MATRIX, S: MATRIX, V: MATRIX)} */
    public String describe(String taskName) {
        StringJoiner in = new StringJoiner(", ", taskName + "(", ")");
        for (Parameter p : parameters) {
            in.add(p.name() + ": " + p.type() + (p.required() ? "" : " = " + p.defaultValue()));
        }
        StringJoiner out = new StringJoiner(", ", " -> (", ")");
        for (Output o : outputs) {
            out.add(o.name() + ": " + o.type());
        }
        return in + out.toString();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds a signature parameter by parameter. */
    public static final class Builder {
        private final List<Parameter> parameters = new ArrayList<>();
        private final List<Output> outputs = new ArrayList<>();

        public Builder matrix(String name) {
            return arg(name, ArgType.MATRIX);
        }

        public Builder intArg(String name) {
            return arg(name, ArgType.INT);
        }

        public Builder doubleArg(String name) {
            return arg(name, ArgType.DOUBLE);
        }

        /** A required parameter. */
        public Builder arg(String name, ArgType type) {
            parameters.add(new Parameter(name, type, null));
            return this;
        }

        /** An optional parameter; optional parameters come after the required ones. */
        public Builder optional(String name, ArgType type, Object defaultValue) {
            if (defaultValue == null) {
                throw new IllegalArgumentException("an optional parameter needs a default");
            }
            parameters.add(new Parameter(name, type, defaultValue));
            return this;
        }

        public Builder outputMatrix(String name) {
            return output(name, ArgType.MATRIX);
        }

        public Builder output(String name, ArgType type) {
            outputs.add(new Output(name, type));
            return this;
        }

        public Signature build() {
            boolean optionalSeen = false;
            for (Parameter p : parameters) {
                if (!p.required()) {
                    optionalSeen = true;
                } else if (optionalSeen) {
                    throw new IllegalArgumentException("required parameter " + p.name() + " after an optional one");
                }
            }
            return new Signature(parameters, outputs);
        }
    }
}
