package alchemist.server.comm;

/** How {@link Communicator#allreduce} combines values. */
public enum ReduceOp {
    SUM {
        @Override
        public void combine(double[] into, double[] from, int offset, int length) {
            for (int i = 0; i < length; i++) {
                into[offset + i] += from[i];
            }
        }
    },
    MAX {
        @Override
        public void combine(double[] into, double[] from, int offset, int length) {
            for (int i = 0; i < length; i++) {
                into[offset + i] = Math.max(into[offset + i], from[i]);
            }
        }
    },
    MIN {
        @Override
        public void combine(double[] into, double[] from, int offset, int length) {
            for (int i = 0; i < length; i++) {
                into[offset + i] = Math.min(into[offset + i], from[i]);
            }
        }
    };

    /** Combines {@code from[0 .. length)} into {@code into[offset .. offset + length)}. */
    public abstract void combine(double[] into, double[] from, int offset, int length);
}
