// einsim_delay.v — a DEPTH-stage register delay line of X bits (DEPTH = 0 is a wire): the
// skew registers that stagger array lane i by i cycles, and the sparse PE's pipeline stages.
module einsim_delay #(
  // bits per stage
  parameter integer X = 1,
  // number of register stages
  parameter integer DEPTH = 0
) (
  input  wire         clk_i,
  input  wire         rst_ni,
  input  wire [X-1:0] d_i,
  output wire [X-1:0] q_o
);
  generate
    if (DEPTH == 0) begin : g_wire
      assign q_o = d_i;
    end else begin : g_regs
      reg [X-1:0] stage_q [0:DEPTH-1];
      integer s;
      always @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) begin
          for (s = 0; s < DEPTH; s = s + 1) stage_q[s] <= {X{1'b0}};
        end else begin
          stage_q[0] <= d_i;
          for (s = 1; s < DEPTH; s = s + 1) stage_q[s] <= stage_q[s-1];
        end
      end
      assign q_o = stage_q[DEPTH-1];
    end
  endgenerate
endmodule
