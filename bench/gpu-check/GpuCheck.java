import java.time.Duration;
import java.util.List;

/** Device check: txtrain's GpuProbe against the real nvidia-smi of this machine. */
public class GpuCheck {
    public static void main(String[] a) throws Exception {
        var probe = new io.txtrain.spark.plugin.GpuProbe(true, Duration.ofSeconds(10));
        for (int i = 0; i < 3; i++) {
            List<?> r = probe.read();
            System.out.println("GpuProbe reading " + i + ": " + r + " active=" + probe.active());
            Thread.sleep(500);
        }
    }
}
