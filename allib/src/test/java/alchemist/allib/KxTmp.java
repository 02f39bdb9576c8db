package alchemist.allib;

public class KxTmp {
    public static void main(String[] args) {
        int m = Integer.getInteger("kx.m", 6000), n = Integer.getInteger("kx.n", 3000), k = Integer.getInteger("kx.k", 20);
        double[][] a = SvdReference.gaussian(m, n, 3);
        long t = System.nanoTime();
        var r = Tasks.run(TruncatedSvdTask.withMethodOutput(), Integer.getInteger("kx.w", 1), a, k, (byte) 2);
        System.err.printf("KX time %.2f s%n", (System.nanoTime() - t) / 1e9);
        if (Boolean.getBoolean("kx.check")) {
            double[] ref = alchemist.server.LapackReference.singularValues(a);
            double[] s = SvdReference.column(r.matrix("S"));
            System.err.printf("KX err %.2e%n", SvdReference.maxRelativeError(ref, s, k));
        }
    }
}
