// Alchemist's truncated SVD next to MLlib's, in spark-shell (from the repository's root, after a build):
//
//   spark-shell --master 'local[2]' --jars examples/target/alchemist-examples-0.1.0-SNAPSHOT-spark.jar \
//     --conf spark.alchemist.libraryDir=allib/target -i examples/spark-shell/svd.scala
//
// It builds an IndexedRowMatrix, starts an embedded Alchemist (2 workers inside the Spark driver), computes
// the top singular values and vectors with AlchemistSVD.computeSVD (MLlib's computeSVD with one line
// changed) and with MLlib, and prints both. To use a running Alchemist server instead, start the shell
// with --conf spark.alchemist.address=HOST:PORT and replace `embedded(spark, 2)` by `getOrCreate(spark)`.
import alchemist.spark.{AlchemistContext, AlchemistSVD}
import org.apache.spark.mllib.linalg.Vectors
import org.apache.spark.mllib.linalg.distributed.{IndexedRow, IndexedRowMatrix}

// `spark` is the shell's SparkSession.
val (m, n, k) = (10000L, 80, 10)

// A seeded random matrix whose column j is scaled by 1/sqrt(1 + j): a decaying spectrum.
val rows = spark.sparkContext.parallelize(0L until m, 4).map { i =>
  val random = new java.util.SplittableRandom(i)
  IndexedRow(i, Vectors.dense(Array.tabulate(n)(j => random.nextGaussian() / math.sqrt(1.0 + j))))
}
val a = new IndexedRowMatrix(rows, m, n)
a.rows.cache().count()

val ac = AlchemistContext.embedded(spark, 2) // allib comes from spark.alchemist.libraryDir

def timed[T](work: => T): (T, Double) = {
  val t0 = System.nanoTime
  val result = work
  (result, (System.nanoTime - t0) / 1e9)
}
val (alchemistSvd, alchemistSeconds) = timed(AlchemistSVD.computeSVD(a, k, true)) // MLlib: a.computeSVD(k, computeU = true)
val (mllibSvd, mllibSeconds) = timed {
  val svd = a.computeSVD(k, computeU = true)
  svd.U.rows.count() // MLlib's U is lazy; Alchemist's is already in Spark's storage
  svd
}

println("   i   Alchemist               MLlib computeSVD        relative difference")
val differences = alchemistSvd.s.toArray.zip(mllibSvd.s.toArray).zipWithIndex.map { case ((x, y), i) =>
  val d = math.abs(x - y) / y
  println(f"$i%4d   $x%.15e   $y%.15e   $d%.1e")
  d
}
println(f"largest relative difference: ${differences.max}%.1e")
println(f"U: ${alchemistSvd.U.numRows()} x ${alchemistSvd.U.numCols()} from Alchemist, ${mllibSvd.U.numRows()} x ${mllibSvd.U.numCols()} from MLlib")
println(f"Alchemist $alchemistSeconds%.2f s, MLlib $mllibSeconds%.2f s")
ac.stop()
