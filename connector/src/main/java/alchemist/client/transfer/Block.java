package alchemist.client.transfer;

import java.util.ArrayList;
import java.util.List;

/**
 * One block of a transfer: {@code rows} rows from {@code firstRow}, {@code width} columns from
 * {@code firstCol}. A transfer cuts its rows into blocks of about a target size, one per message: whole
 * rows when a row fits, pieces of a row when it does not.
 */
public record Block(long firstRow, int rows, int firstCol, int width) {

    /** @return the block's values */
    public long values() {
        return (long) rows * width;
    }

    /** @return the last row, inclusive, as the wire's bounds put it */
    public long lastRow() {
        return firstRow + rows - 1;
    }

    /** @return the last column, inclusive */
    public int lastCol() {
        return firstCol + width - 1;
    }

    /**
     * Cuts rows {@code [rowStart, rowEnd)} × columns {@code [colStart, colEnd)} into blocks of at most
     * {@code maxValues} values (at least one value each).
     */
    public static List<Block> cut(long rowStart, long rowEnd, int colStart, int colEnd, long maxValues) {
        List<Block> blocks = new ArrayList<>();
        int width = colEnd - colStart;
        if (rowEnd <= rowStart || width <= 0) {
            return blocks;
        }
        if (width <= maxValues) {
            int rowsPerBlock = (int) Math.min(Integer.MAX_VALUE, Math.max(1, maxValues / width));
            for (long r = rowStart; r < rowEnd; r += rowsPerBlock) {
                blocks.add(new Block(r, (int) Math.min(rowsPerBlock, rowEnd - r), colStart, width));
            }
        } else {
            int piece = (int) Math.max(1, maxValues);
            for (long r = rowStart; r < rowEnd; r++) {
                for (int c = colStart; c < colEnd; c += piece) {
                    blocks.add(new Block(r, 1, c, Math.min(piece, colEnd - c)));
                }
            }
        }
        return blocks;
    }
}
